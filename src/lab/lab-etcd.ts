// The lab's private etcd: Debian's /usr/bin/etcd inside the switch namespace, listening on the
// bridge (the underlay's .1, and .2/.3 for a 3-member cluster) so every host namespace reaches
// it; data in the lab's temp dir.
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {FlanctlError} from '../core/errors.js'
import {isRunning, spawnDetached, stopProcess, type StopOutcome} from '../adapters/netns/processes.js'
import type {LabEtcdMember, LabState} from './lab-state.js'
import type {Cidr} from './ip4-text.js'
import {etcdctlAt} from './lab-etcdctl.js'
import {etcdClientUrl, etcdPeerUrl, switchNetns} from './topology.js'

const ETCD_BINARY = '/usr/bin/etcd'

/** The members' static description (not started yet). */
export function etcdMembers(dir: string, prefix: string, underlay: Cidr, count: number): LabEtcdMember[] {
  const members = Array.from({length: count}, (_, i) => i + 1)
  const initialCluster = members.map((m) => `m${m}=${etcdPeerUrl(underlay, m)}`).join(',')
  return members.map((member) => {
    const dataDir = join(dir, `etcd-m${member}`)
    return {
      member,
      name: `m${member}`,
      clientUrl: etcdClientUrl(underlay, member),
      peerUrl: etcdPeerUrl(underlay, member),
      dataDir,
      logFile: join(dir, `etcd-m${member}.log`),
      argv: [
        ETCD_BINARY,
        '--name', `m${member}`,
        '--data-dir', dataDir,
        '--listen-client-urls', etcdClientUrl(underlay, member),
        '--advertise-client-urls', etcdClientUrl(underlay, member),
        '--listen-peer-urls', etcdPeerUrl(underlay, member),
        '--initial-advertise-peer-urls', etcdPeerUrl(underlay, member),
        '--initial-cluster', initialCluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', `${prefix}etcd`,
        // one transaction may carry thousands of leases (the 5,000-lease benchmark)
        '--max-txn-ops', '10000',
        '--max-request-bytes', '16777216',
        '--logger', 'zap',
        '--log-outputs', 'stderr',
      ],
    }
  })
}

/** Starts one member (again, after a stop: same argv, same data dir). Records its PID. */
export function startEtcdMember(state: LabState, member: LabEtcdMember): number {
  mkdirSync(member.dataDir, {recursive: true, mode: 0o700})
  const pid = spawnDetached({argv: ['ip', 'netns', 'exec', switchNetns(state.name), ...member.argv], logFile: member.logFile})
  member.pid = pid
  return pid
}

export async function stopEtcdMember(member: LabEtcdMember, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
  if (member.pid === undefined) return 'gone'
  const outcome = await stopProcess(member.pid, member.dataDir, {signal})
  if (outcome !== 'not-ours') member.pid = undefined
  return outcome
}

/** Waits until every given endpoint answers `endpoint health` (or the member died). */
export async function waitEtcdHealthy(state: LabState, members: readonly LabEtcdMember[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    for (const member of members) {
      if (member.pid !== undefined && !isRunning(member.pid, member.dataDir)) {
        throw new FlanctlError('E_SYSTEM', `etcd member ${member.name} (pid ${member.pid}) exited while starting; see ${member.logFile}`)
      }
    }
    const endpoints = members.map((m) => m.clientUrl).join(',')
    const result = await etcdctlAt(state.name, endpoints, ['endpoint', 'health', '--command-timeout=2s'], {reject: false})
    if (result.exitCode === 0) return
    last = (result.stderr || result.stdout).trim().split('\n').slice(-1)[0] ?? ''
    await sleep(150)
  }
  throw new FlanctlError('E_ETCD_UNREACHABLE', `the lab's etcd (${members.map((m) => m.clientUrl).join(', ')}) did not become healthy in ${timeoutMs / 1000} s: ${last}`, {
    hint: `See ${members.map((m) => m.logFile).join(', ')}.`,
  })
}
