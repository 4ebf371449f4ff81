// The agent's reconcile cost with 2,000 peers, in percent of one core (agent + its ip/bridge
// children, from /proc): idle (only the periodic resync runs) and under churn (10 lease changes
// a second: a peer's VtepMAC changes). Windows alternate idle / churn, so both see the same
// machine load; median and spread (min..max) of the windows. Idle windows are 30 s, the agent's
// full-resync interval, so each holds one full pass. With a reference build (option
// referenceEntry, or FLANCTL_BENCH_REFERENCE_ENTRY=<another checkout>/bin/run.js) each round
// also runs that build's agent on the same host and leases, interleaved with this one's, and
// the ratios are this build's median over the reference's.
import {setTimeout as sleep} from 'node:timers/promises'
import {leaseValue, loadState, numberToIp4, parseCidr, type PeerLease} from '../src/lab/index.js'
import {writeState} from '../src/lab/lab-state.js'
import {startLabAgent, stopLabAgent} from '../test/helpers/lab-ops.js'
import {EtcdDriver} from './lib/etcd-driver-client.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {processCpuSeconds} from './lib/process-cpu.js'
import {median, round} from './lib/stats.js'

const NETWORK = '198.18.0.0/16'
const SUBNET_LEN = 29

export interface CpuWindows {
  medianPercent: number
  minPercent: number
  maxPercent: number
  windows: number[]
}

export interface ReconcileCostResult {
  peers: number
  windowSeconds: number
  idleWindowSeconds: number
  changesPerSecond: number
  idle: CpuWindows
  churn: CpuWindows
  /** changes actually made per second of churn (the driver may fall behind on a loaded machine) */
  churnRate: number
  /** the same windows for the reference build, when one was given */
  reference?: {entry: string; idle: CpuWindows; churn: CpuWindows; idleRatio: number; churnRatio: number}
}

function macOf(i: number, generation: number): string {
  return ['0a', '59', (i >> 8) & 255, i & 255, generation & 255, 0x42].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':')
}

function peers(count: number, prefix: string): PeerLease[] {
  const base = parseCidr(NETWORK)!.ip
  return Array.from({length: count}, (_, i) => {
    const subnet = {ip: base + (101 + i) * 8, prefixLen: SUBNET_LEN}
    return {key: `${prefix}/subnets/${numberToIp4(subnet.ip)}-${SUBNET_LEN}`, subnet, publicIp: `203.0.113.${100 + (i % 150)}`, backendType: 'vxlan', vtepMac: macOf(i, 0)}
  })
}

function summary(windows: number[]): CpuWindows {
  return {medianPercent: round(median(windows), 2), minPercent: round(Math.min(...windows), 2), maxPercent: round(Math.max(...windows), 2), windows: windows.map((w) => round(w, 2))}
}

/** Points the lab host's agent at another build's bin/run.js (or back) and restarts it. */
async function switchAgent(name: string, entry: string): Promise<number> {
  await stopLabAgent(name, 'h1')
  const state = loadState(name)
  const host = state.hosts[0]!
  const at = host.argv!.findIndex((arg) => arg.endsWith('/bin/run.js'))
  host.argv![at] = entry
  writeState(state)
  return startLabAgent(name, 'h1')
}

export async function reconcileCostBench(options: {peers?: number; windowSeconds?: number; idleWindowSeconds?: number; rounds?: number; changesPerSecond?: number; referenceEntry?: string} = {}): Promise<ReconcileCostResult> {
  const total = options.peers ?? 2000
  const windowS = options.windowSeconds ?? 20
  const idleS = options.idleWindowSeconds ?? 30
  const rounds = options.rounds ?? 3
  const rate = options.changesPerSecond ?? 10
  const referenceEntry = options.referenceEntry ?? process.env.FLANCTL_BENCH_REFERENCE_ENTRY
  const name = benchLabName('r')
  return withLab({name, hosts: 1, backend: 'vxlan', network: NETWORK, subnetLen: SUBNET_LEN}, async () => {
    const state = loadState(name)
    const host = state.hosts[0]!
    const ownEntry = host.argv!.find((arg) => arg.endsWith('/bin/run.js'))!
    const leases = peers(total, state.etcdPrefix)
    const driver = new EtcdDriver(host.netns, state.etcdEndpoints)
    let generation = 0
    let changes = 0
    let churnSeconds = 0
    /** one idle window and one churn window of the agent now running */
    const measure = async (pid: number, idle: number[], churn: number[]): Promise<void> => {
      let cpu0 = processCpuSeconds(pid)
      let t0 = process.hrtime.bigint()
      await sleep(idleS * 1000)
      idle.push(((processCpuSeconds(pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9)) * 100)
      generation++
      cpu0 = processCpuSeconds(pid)
      t0 = process.hrtime.bigint()
      const start = Date.now()
      for (let n = 0; Date.now() - start < windowS * 1000; n++) {
        const i = (generation * 7919 + n * 104729) % total
        const l = leases[i]!
        await driver.put(l.key, leaseValue(l.publicIp, 'vxlan', macOf(i, generation + n)))
        changes++
        const due = start + ((n + 1) * 1000) / rate
        if (due > Date.now()) await sleep(due - Date.now())
      }
      const wall = Number(process.hrtime.bigint() - t0) / 1e9
      churnSeconds += wall
      churn.push(((processCpuSeconds(pid) - cpu0) / wall) * 100)
    }
    try {
      await driver.ready()
      await driver.txn(leases.map((l) => [l.key, leaseValue(l.publicIp, 'vxlan', l.vtepMac)]))
      await sleep(15_000) // programmed, and a resync or two done
      const idle: number[] = []
      const churn: number[] = []
      const refIdle: number[] = []
      const refChurn: number[] = []
      let pid = host.pid!
      for (let r = 0; r < rounds; r++) {
        await measure(pid, idle, churn)
        if (referenceEntry === undefined) continue
        await sleep(15_000) // the churn's last passes done
        pid = await switchAgent(name, referenceEntry)
        await sleep(15_000) // started, listed, programmed
        await measure(pid, refIdle, refChurn)
        pid = await switchAgent(name, ownEntry)
        await sleep(15_000)
      }
      const result: ReconcileCostResult = {peers: total, windowSeconds: windowS, idleWindowSeconds: idleS, changesPerSecond: rate, idle: summary(idle), churn: summary(churn), churnRate: round(changes / churnSeconds, 1)}
      if (referenceEntry !== undefined) {
        const ri = summary(refIdle)
        const rc = summary(refChurn)
        result.reference = {entry: referenceEntry, idle: ri, churn: rc, idleRatio: round(result.idle.medianPercent / ri.medianPercent, 2), churnRatio: round(result.churn.medianPercent / rc.medianPercent, 2)}
      }
      return result
    } finally {
      await driver.close()
    }
  })
}
