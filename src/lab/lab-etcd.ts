// The lab's private etcd: Debian's /usr/bin/etcd inside the switch namespace, listening on the
// bridge (192.0.2.1, and .2/.3 for a 3-member cluster) so every host namespace reaches it; data
// in the lab's temp dir. etcdctl runs in the switch namespace too.
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {FlanctlError} from '../core/errors.js'
import {runInNetns, type CommandOutput} from '../adapters/netns/run-command.js'
import {isRunning, spawnDetached, stopProcess, type StopOutcome} from '../adapters/netns/processes.js'
import type {LabEtcdMember, LabState} from './lab-state.js'
import {etcdClientUrl, etcdPeerUrl, switchNetns} from './topology.js'

export const ETCD_BINARY = '/usr/bin/etcd'
export const ETCDCTL_BINARY = '/usr/bin/etcdctl'

/** The members' static description (not started yet). */
export function etcdMembers(dir: string, prefix: string, count: number): LabEtcdMember[] {
  const members = Array.from({length: count}, (_, i) => i + 1)
  const initialCluster = members.map((m) => `m${m}=${etcdPeerUrl(m)}`).join(',')
  return members.map((member) => {
    const dataDir = join(dir, `etcd-m${member}`)
    return {
      member,
      name: `m${member}`,
      clientUrl: etcdClientUrl(member),
      peerUrl: etcdPeerUrl(member),
      dataDir,
      logFile: join(dir, `etcd-m${member}.log`),
      argv: [
        ETCD_BINARY,
        '--name', `m${member}`,
        '--data-dir', dataDir,
        '--listen-client-urls', etcdClientUrl(member),
        '--advertise-client-urls', etcdClientUrl(member),
        '--listen-peer-urls', etcdPeerUrl(member),
        '--initial-advertise-peer-urls', etcdPeerUrl(member),
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
    const result = await etcdctlAt(state, endpoints, ['endpoint', 'health', '--command-timeout=2s'], {reject: false})
    if (result.exitCode === 0) return
    last = (result.stderr || result.stdout).trim().split('\n').slice(-1)[0] ?? ''
    await sleep(150)
  }
  throw new FlanctlError('E_ETCD_UNREACHABLE', `the lab's etcd (${members.map((m) => m.clientUrl).join(', ')}) did not become healthy in ${timeoutMs / 1000} s: ${last}`, {
    hint: `See ${members.map((m) => m.logFile).join(', ')}.`,
  })
}

async function etcdctlAt(state: LabState, endpoints: string, args: readonly string[], options: {input?: string; reject?: boolean} = {}): Promise<CommandOutput> {
  return runInNetns(switchNetns(state.name), ETCDCTL_BINARY, [`--endpoints=${endpoints}`, '--dial-timeout=2s', ...args], {
    ...options,
    env: {ETCDCTL_API: '3'},
    timeoutMs: 20_000,
  })
}

/** etcdctl against the lab's etcd (all members' endpoints), run in the switch namespace. */
export async function etcdctl(state: LabState, args: readonly string[], options: {input?: string; reject?: boolean} = {}): Promise<CommandOutput> {
  return etcdctlAt(state, state.etcdEndpoints.join(','), args, options)
}

export interface EtcdKeyValue {
  key: string
  value: string
  /** etcd lease id in hex as etcdctl prints it, undefined for a key without a lease */
  leaseHex?: string
}

/** Every key under `prefix`, decoded from `etcdctl get -w json`. */
export async function etcdGetPrefix(state: LabState, prefix: string): Promise<EtcdKeyValue[]> {
  const {stdout} = await etcdctl(state, ['get', '--prefix', prefix, '-w', 'json'])
  // lease ids are int64: quote them before JSON.parse rounds them to a double
  const parsed = JSON.parse(stdout.replace(/"lease":(\d+)/g, '"lease":"$1"')) as {kvs?: Array<{key: string; value?: string; lease?: number | string}>}
  return (parsed.kvs ?? []).map((kv) => {
    const lease = kv.lease === undefined ? 0n : BigInt(kv.lease)
    return {
      key: Buffer.from(kv.key, 'base64').toString('utf8'),
      value: Buffer.from(kv.value ?? '', 'base64').toString('utf8'),
      leaseHex: lease === 0n ? undefined : lease.toString(16),
    }
  })
}

/** `etcdctl lease grant <ttl>` -> the lease id in hex. */
export async function etcdGrantLease(state: LabState, ttlSeconds: number): Promise<string> {
  const {stdout} = await etcdctl(state, ['lease', 'grant', String(ttlSeconds)])
  const match = /lease ([0-9a-f]+) granted/.exec(stdout)
  if (!match?.[1]) throw new FlanctlError('E_SYSTEM', `etcdctl lease grant printed no lease id: ${stdout}`)
  return match[1]
}
