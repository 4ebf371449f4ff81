// A new lease put into etcd -> its route present on every host (3 flanctl hosts, vxlan), seen
// through `ip monitor route` in each host. Reference: the same put seen by a plain etcd watch
// (the floor any agent sits on).
import {setTimeout as sleep} from 'node:timers/promises'
import {leaseValue, loadState, randomVtepMac} from '../src/lab/index.js'
import {EtcdDriver} from './lib/etcd-driver-client.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {RouteMonitor} from './lib/route-monitor.js'
import {median, nsToMs, percentile, round} from './lib/stats.js'

export interface LeaseLatencyResult {
  hosts: number
  samples: number
  missed: number
  agentP50Ms: number
  agentP99Ms: number
  watchP50Ms: number
  watchP99Ms: number
  /** agent p99 / watch p99 */
  ratio: number
  agentMs: number[]
}

export async function leaseLatencyBench(options: {samples?: number; hosts?: number} = {}): Promise<LeaseLatencyResult> {
  // Enough samples that p99 is not just the maximum; subnets are reused (each lease is deleted
  // and its routes seen gone before the next sample), so the count is not bounded by them.
  const samples = options.samples ?? 200
  const hosts = options.hosts ?? 3
  const name = benchLabName('l')
  return withLab({name, hosts, backend: 'vxlan'}, async (lab) => {
    const state = loadState(name)
    const monitors = state.hosts.map((h) => new RouteMonitor(h.netns))
    const driver = new EtcdDriver(state.hosts[0]!.netns, state.etcdEndpoints)
    const keys: string[] = []
    try {
      await driver.ready()
      await sleep(500)
      const agentMs: number[] = []
      const watchMs: number[] = []
      let missed = 0
      for (let i = 0; i < samples; i++) {
        const third = 200 + (i % 50) // above the hosts' own subnets (the first 100 free)
        const subnet = `198.18.${third}.0/24`
        const key = `${state.etcdPrefix}/subnets/198.18.${third}.0-24`
        if (!keys.includes(key)) keys.push(key)
        const seen = monitors.map((m) => m.waitAdded((e) => e.dst === subnet, 5_000))
        const put = await driver.put(key, leaseValue(`203.0.113.${150 + (i % 50)}`, 'vxlan', randomVtepMac()))
        const events = await Promise.all(seen)
        watchMs.push(nsToMs(put.watched - put.start))
        if (events.some((e) => e === undefined)) {
          missed++
        } else {
          const last = events.reduce((max, e) => (e!.at > max ? e!.at : max), 0n)
          agentMs.push(nsToMs(last - put.start))
        }
        const gone = monitors.map((m) => m.waitDeleted((e) => e.dst === subnet, 5_000))
        await driver.del([key])
        await Promise.all(gone)
        await sleep(250) // events arrive one at a time, as leases do in a cluster
      }
      const a99 = percentile(agentMs, 99)
      const w99 = percentile(watchMs, 99)
      return {
        hosts: lab.hosts.length,
        samples,
        missed,
        agentP50Ms: round(median(agentMs), 1),
        agentP99Ms: round(a99, 1),
        watchP50Ms: round(median(watchMs), 2),
        watchP99Ms: round(w99, 2),
        ratio: round(a99 / w99, 1),
        agentMs: agentMs.map((v) => round(v, 1)),
      }
    } finally {
      await driver.del(keys).catch(() => {})
      await driver.close()
      for (const m of monitors) m.close()
    }
  })
}
