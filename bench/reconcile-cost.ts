// The agent's reconcile cost with 2,000 peers, in percent of one core (agent + its ip/bridge
// children, from /proc): idle (only the periodic resync runs) and under churn (10 lease changes
// a second: a peer's VtepMAC changes). Windows alternate idle / churn, so both see the same
// machine load; median and spread (min..max) of the windows. Idle windows are 30 s, the agent's
// full-resync interval, so each holds one full pass.
import {setTimeout as sleep} from 'node:timers/promises'
import {leaseValue, loadState, numberToIp4, parseCidr, type PeerLease} from '../src/lab/index.js'
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

export async function reconcileCostBench(options: {peers?: number; windowSeconds?: number; idleWindowSeconds?: number; rounds?: number; changesPerSecond?: number} = {}): Promise<ReconcileCostResult> {
  const total = options.peers ?? 2000
  const windowS = options.windowSeconds ?? 20
  const idleS = options.idleWindowSeconds ?? 30
  const rounds = options.rounds ?? 3
  const rate = options.changesPerSecond ?? 10
  const name = benchLabName('r')
  return withLab({name, hosts: 1, backend: 'vxlan', network: NETWORK, subnetLen: SUBNET_LEN}, async () => {
    const state = loadState(name)
    const host = state.hosts[0]!
    const pid = host.pid!
    const leases = peers(total, state.etcdPrefix)
    const driver = new EtcdDriver(host.netns, state.etcdEndpoints)
    try {
      await driver.ready()
      await driver.txn(leases.map((l) => [l.key, leaseValue(l.publicIp, 'vxlan', l.vtepMac)]))
      await sleep(15_000) // programmed, and a resync or two done
      const idle: number[] = []
      const churn: number[] = []
      let changes = 0
      let churnSeconds = 0
      let generation = 0
      for (let r = 0; r < rounds; r++) {
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
      return {peers: total, windowSeconds: windowS, idleWindowSeconds: idleS, changesPerSecond: rate, idle: summary(idle), churn: summary(churn), churnRate: round(changes / churnSeconds, 1)}
    } finally {
      await driver.close()
    }
  })
}
