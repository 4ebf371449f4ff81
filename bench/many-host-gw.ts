// 5,000 host-gw leases already in etcd, `flanctl up` spawned: how long until all 5,000 routes
// are in the kernel (`ip monitor route` sees the last one). This is the agent's whole start:
// node, etcd, listing and decoding the leases, one pass, one batch. Reference, interleaved: a
// bare `node -e 0` plus one `ip -batch` of the very same routes into a fresh namespace, timed
// the same way (spawn to the last route seen by a monitor). The samples are the starts after the
// first one after a build (bench/lib/code-cache.ts).
import {spawn, type ChildProcess} from 'node:child_process'
import {rmSync} from 'node:fs'
import {addNetns} from '../src/adapters/netns/namespaces.js'
import {runCommand} from '../src/adapters/netns/run-command.js'
import {agentArgv, flanctlEntry} from '../src/lab/agents.js'
import {formatCidr, labPrefix, leaseValue, loadState, numberToIp4, parseCidr, peerEntries, type PeerLease} from '../src/lab/index.js'
import {ipBatch} from '../src/lab/netns-batch.js'
import {stopLabAgent} from '../test/helpers/lab-ops.js'
import {EtcdDriver} from './lib/etcd-driver-client.js'
import {CACHE_WRITING_MS, hasAgentCodeCache} from './lib/code-cache.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {RouteMonitor} from './lib/route-monitor.js'
import {median, nsToMs, round} from './lib/stats.js'
import {timeNode} from './lib/time-node.js'

const NETWORK = '198.18.0.0/16'
const SUBNET_LEN = 29 // 8,192 subnets: room for 5,000 leases and the host's own

export interface ManyHostGwResult {
  leases: number
  samples: number
  agentMs: number[]
  referenceMs: number[]
  agentMedianMs: number
  referenceMedianMs: number
  /** each sample's agent time over the reference measured right after it */
  pairRatios: number[]
  /** the first start after a build, which compiles without a code cache and writes it (bench/lib/code-cache.ts); undefined when the cache was there */
  firstStartMs?: number
  /** the median of the pairs' ratios (the target is <= 2.5), and their spread */
  ratio: number
  ratioMin: number
  ratioMax: number
}

/** host-gw leases in /29s from index 101 up, their public IPs on the host's own /24 (host-gw needs L2 adjacency). */
function hostGwLeases(count: number, prefix: string, underlay: string): PeerLease[] {
  const base = parseCidr(NETWORK)!.ip
  const net = parseCidr(underlay)!.ip
  return Array.from({length: count}, (_, i) => {
    const subnet = {ip: base + (101 + i) * 8, prefixLen: SUBNET_LEN}
    return {key: `${prefix}/subnets/${numberToIp4(subnet.ip)}-${SUBNET_LEN}`, subnet, publicIp: numberToIp4(net + 100 + (i % 150)), backendType: 'host-gw'}
  })
}

/**
 * Spawn to the moment the last of `routes` is added in `netns`, as an `ip monitor` there sees it.
 * Both sides are timed this way, so the monitor's own cost (5,000 lines to read) is on both.
 */
async function timeUntilRoutes(netns: string, start: () => ChildProcess, routes: ReadonlySet<string>, timeoutMs: number, lingerMs = 0): Promise<number> {
  const monitor = new RouteMonitor(netns)
  const wanted = new Set(routes)
  try {
    await new Promise((resolve) => setTimeout(resolve, 300)) // ip monitor subscribed
    const allSeen = new Promise<bigint>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${wanted.size} of ${routes.size} routes still missing after ${timeoutMs} ms`)), timeoutMs)
      monitor.on((e) => {
        if (e.deleted || !wanted.delete(e.dst) || wanted.size > 0) return
        clearTimeout(timer)
        resolve(e.at)
      })
    })
    const began = process.hrtime.bigint()
    const child = start()
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      const ms = nsToMs((await allSeen) - began)
      if (lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs))
      return ms
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  } finally {
    monitor.close()
  }
}

/** `ip -n <netns> -batch -` fed `lines`; the process is returned at once, as a spawned agent is. */
function spawnIpBatch(netns: string, lines: readonly string[]): ChildProcess {
  const child = spawn('ip', ['-n', netns, '-batch', '-'], {stdio: ['pipe', 'ignore', 'ignore']})
  child.stdin!.end(`${lines.join('\n')}\n`)
  return child
}

export async function manyHostGwBench(options: {leases?: number; samples?: number} = {}): Promise<ManyHostGwResult> {
  const total = options.leases ?? 5000
  const samples = options.samples ?? 7
  const name = benchLabName('g')
  return withLab({name, hosts: 1, backend: 'host-gw', network: NETWORK, subnetLen: SUBNET_LEN}, async () => {
    const state = loadState(name)
    const host = state.hosts[0]!
    await stopLabAgent(name, host.name)
    const leases = hostGwLeases(total, state.etcdPrefix, state.underlay)
    const driver = new EtcdDriver(host.netns, state.etcdEndpoints)
    try {
      await driver.ready()
      await driver.txn(leases.map((l) => [l.key, leaseValue(l.publicIp, 'host-gw')]))
    } finally {
      await driver.close()
    }
    const routes = peerEntries('host-gw', leases, host.iface).ip
    const removal = leases.map((l) => `route del ${formatCidr(l.subnet)}`)
    const refNetns = `${labPrefix(name)}ref`
    await addNetns(refNetns)
    await runCommand('ip', ['-n', refNetns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1'])
    await ipBatch(refNetns, [`addr add ${numberToIp4(parseCidr(state.underlay)!.ip + 11)}/24 dev eth0`, 'link set eth0 up', 'link set eth1 up'])
    const argv = agentArgv(state, host, flanctlEntry())
    const agentMs: number[] = []
    const referenceMs: number[] = []
    const agentStart = async (lingerMs = 0): Promise<number> => {
      // a clean start: no routes from the last run, no subnet.env (the lease is reused)
      await runCommand('ip', ['-n', host.netns, '-force', '-batch', '-'], {input: `${removal.join('\n')}\n`}).catch(() => undefined)
      rmSync(host.subnetFile, {force: true})
      const wanted = new Set(leases.map((l) => formatCidr(l.subnet)))
      return timeUntilRoutes(host.netns, () => spawn(argv[0]!, argv.slice(1), {stdio: 'ignore'}), wanted, 120_000, lingerMs)
    }
    const firstStartMs = hasAgentCodeCache() ? undefined : await agentStart(CACHE_WRITING_MS)
    for (let i = 0; i < samples; i++) {
      const wanted = new Set(leases.map((l) => formatCidr(l.subnet)))
      agentMs.push(await agentStart())
      const nodeMs = await timeNode(refNetns)
      referenceMs.push(nodeMs + (await timeUntilRoutes(refNetns, () => spawnIpBatch(refNetns, routes), wanted, 120_000)))
      await runCommand('ip', ['-n', refNetns, '-force', '-batch', '-'], {input: `${removal.join('\n')}\n`}).catch(() => undefined)
    }
    const pairRatios = agentMs.map((v, i) => v / referenceMs[i]!)
    return {
      leases: total,
      samples,
      agentMs: agentMs.map((v) => round(v, 1)),
      referenceMs: referenceMs.map((v) => round(v, 1)),
      firstStartMs: firstStartMs === undefined ? undefined : round(firstStartMs, 1),
      agentMedianMs: round(median(agentMs), 1),
      referenceMedianMs: round(median(referenceMs), 1),
      pairRatios: pairRatios.map((v) => round(v, 2)),
      ratio: round(median(pairRatios), 2),
      ratioMin: round(Math.min(...pairRatios), 2),
      ratioMax: round(Math.max(...pairRatios), 2),
    }
  })
}
