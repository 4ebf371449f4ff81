// 5,000 remote leases programmed on one host: one etcd transaction puts them all, `ip monitor
// route` sees the last route land. Reference: a plain `ip -batch` + `bridge -batch` of the
// very same entries into a fresh namespace. Then the agent's resident memory, idle, holding
// 5,000 leases, against an idle bare node process.
import {spawn} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'
import {addNetns} from '../src/adapters/netns/namespaces.js'
import {processRssKb} from '../src/adapters/netns/processes.js'
import {runCommand} from '../src/adapters/netns/run-command.js'
import {formatCidr, labPrefix, leaseValue, loadState, numberToIp4, parseCidr, peerEntries, vxlanDeviceLines, type PeerLease} from '../src/lab/index.js'
import {bridgeBatch, ipBatch} from '../src/lab/netns-batch.js'
import {EtcdDriver} from './lib/etcd-driver-client.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {RouteMonitor} from './lib/route-monitor.js'
import {median, nsToMs, round} from './lib/stats.js'

const NETWORK = '198.18.0.0/16'
const SUBNET_LEN = 29 // 8,192 subnets: room for 5,000 leases and the host's own

export interface ManyLeasesResult {
  leases: number
  agentMs?: number
  referenceMs: number
  ratio?: number
  neighbours: number
  fdb: number
  routes: number
  agentRssMb?: number
  nodeIdleRssMb: number
  rssRatio?: number
  timedOut: boolean
}

function macOf(i: number): string {
  return ['0a', '58', (i >> 16) & 255, (i >> 8) & 255, i & 255, 0x42].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':')
}

/** Leases 198.18.0.0/16 in /29s from index 101 up (the host picks among the first 100 free). */
function syntheticLeases(count: number, prefix: string): PeerLease[] {
  const base = parseCidr(NETWORK)!.ip
  return Array.from({length: count}, (_, i) => {
    const subnet = {ip: base + (101 + i) * 8, prefixLen: SUBNET_LEN}
    return {key: `${prefix}/subnets/${numberToIp4(subnet.ip)}-${SUBNET_LEN}`, subnet, publicIp: `203.0.113.${100 + (i % 150)}`, backendType: 'vxlan', vtepMac: macOf(i)}
  })
}

async function count(args: string[]): Promise<number> {
  const {stdout} = await runCommand(args[0]!, args.slice(1))
  return stdout.split('\n').filter((l) => l.trim() !== '').length
}

async function referenceBatch(netns: string, leases: readonly PeerLease[], runs = 3): Promise<number> {
  await addNetns(netns)
  await runCommand('ip', ['-n', netns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1'])
  await ipBatch(netns, ['addr add 203.0.113.11/24 dev eth0', 'link set eth0 up', 'link set eth1 up'])
  const entries = peerEntries('vxlan', leases, 'eth0')
  const times: number[] = []
  for (let r = 0; r < runs; r++) {
    await ipBatch(netns, vxlanDeviceLines('203.0.113.11', 'eth0', '0a:58:00:00:00:01', 1450, {ip: parseCidr('198.18.0.8/29')!.ip, prefixLen: SUBNET_LEN}))
    const start = process.hrtime.bigint()
    await ipBatch(netns, entries.ip)
    await bridgeBatch(netns, entries.bridge)
    times.push(nsToMs(process.hrtime.bigint() - start))
    await runCommand('ip', ['-n', netns, 'link', 'del', 'flannel.1'])
  }
  return median(times)
}

async function idleNodeRssKb(netns: string): Promise<number> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', 'setTimeout(() => {}, 5000)'], {stdio: 'ignore'})
  await sleep(2_000)
  const rss = processRssKb(child.pid!) ?? Number.NaN
  child.kill('SIGTERM')
  return rss
}

export async function manyLeasesBench(options: {leases?: number; timeoutMs?: number} = {}): Promise<ManyLeasesResult> {
  const total = options.leases ?? 5000
  const name = benchLabName('m')
  return withLab({name, hosts: 1, backend: 'vxlan', network: NETWORK, subnetLen: SUBNET_LEN}, async () => {
    const state = loadState(name)
    const host = state.hosts[0]!
    const leases = syntheticLeases(total, state.etcdPrefix)
    const wanted = new Set(leases.map((l) => formatCidr(l.subnet)))
    const monitor = new RouteMonitor(host.netns)
    const driver = new EtcdDriver(host.netns, state.etcdEndpoints)
    try {
      await driver.ready()
      await sleep(1_000)
      let seen = 0
      let last = 0n
      const allSeen = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), options.timeoutMs ?? 120_000)
        monitor.on((e) => {
          if (e.deleted || !wanted.delete(e.dst)) return
          seen++
          last = e.at
          if (seen === total) {
            clearTimeout(timer)
            resolve(true)
          }
        })
      })
      const put = await driver.txn(leases.map((l) => [l.key, leaseValue(l.publicIp, 'vxlan', l.vtepMac)]))
      const done = await allSeen
      const agentMs = done ? nsToMs(last - put.start) : undefined
      const neighbours = await count(['ip', '-n', host.netns, 'neigh', 'show', 'dev', 'flannel.1'])
      const fdb = await count(['bridge', '-n', host.netns, 'fdb', 'show', 'dev', 'flannel.1'])
      const routes = await count(['ip', '-n', host.netns, 'route', 'show', 'dev', 'flannel.1'])
      await sleep(5_000) // idle
      const agentRss = host.pid === undefined ? undefined : processRssKb(loadState(name).hosts[0]!.pid!)
      const nodeRss = await idleNodeRssKb(host.netns)
      const referenceMs = await referenceBatch(`${labPrefix(name)}ref`, leases)
      return {
        leases: total,
        agentMs: agentMs === undefined ? undefined : round(agentMs, 1),
        referenceMs: round(referenceMs, 1),
        ratio: agentMs === undefined ? undefined : round(agentMs / referenceMs, 2),
        neighbours,
        fdb,
        routes,
        agentRssMb: agentRss === undefined ? undefined : round(agentRss / 1024, 1),
        nodeIdleRssMb: round(nodeRss / 1024, 1),
        rssRatio: agentRss === undefined ? undefined : round(agentRss / nodeRss, 2),
        timedOut: !done,
      }
    } finally {
      await driver.close()
      monitor.close()
    }
  })
}
