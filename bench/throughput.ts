// Overlay throughput, container to container across two hosts: iperf3 through flanctl's data
// plane vs the same topology programmed by hand with ip commands (the reference). Runs
// alternate between the two labs so drift on the machine hits both alike.
import {spawn} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'
import {runInNetns} from '../src/adapters/netns/run-command.js'
import type {LabBackend, LabUpResult} from '../src/lab/index.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {median, round} from './lib/stats.js'

export interface ThroughputResult extends PairedThroughput {
  backend: LabBackend
}

/** Interleaved runs of flanctl and its reference, and the ratio of each pair. */
export interface PairedThroughput {
  seconds: number
  rounds: number
  flanctlGbps: number[]
  referenceGbps: number[]
  flanctlMedianGbps: number
  referenceMedianGbps: number
  /** flanctl / reference of each interleaved pair */
  pairRatios: number[]
  /** the median of the pairs' ratios, and their spread */
  ratio: number
  ratioMin: number
  ratioMax: number
}

/** One iperf3 TCP stream from the first host's container to the second's; Gbit/s received. */
export async function iperf(lab: LabUpResult, seconds: number): Promise<number> {
  const [client, server] = lab.hosts
  const port = '5201'
  const serverProcess = spawn('ip', ['netns', 'exec', server!.container.netns, 'iperf3', '-s', '-1', '-p', port], {stdio: 'ignore'})
  const serverExit = new Promise((resolve) => serverProcess.once('exit', resolve))
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      await sleep(100)
      const run = await runInNetns(client!.container.netns, 'iperf3', ['-c', server!.container.ip!, '-p', port, '-t', String(seconds), '-J'], {reject: false, timeoutMs: (seconds + 20) * 1000})
      if (run.exitCode === 0) {
        const report = JSON.parse(run.stdout) as {end: {sum_received: {bits_per_second: number}}}
        return report.end.sum_received.bits_per_second / 1e9
      }
      if (!/connect|refused/i.test(run.stdout + run.stderr)) throw new Error(`iperf3 failed: ${run.stdout.slice(0, 400)} ${run.stderr}`)
    }
    throw new Error('iperf3 server did not come up')
  } finally {
    serverProcess.kill('SIGTERM')
    await Promise.race([serverExit, sleep(3_000)])
  }
}

export async function throughputBench(backend: LabBackend, options: {seconds?: number; rounds?: number} = {}): Promise<ThroughputResult> {
  // at least 5 pairs of 5 s runs: the machine is shared and noisy, one short run is no measurement
  const seconds = options.seconds ?? 5
  const rounds = options.rounds ?? 6
  const tag = backend === 'vxlan' ? 'v' : 'g'
  return withLab({name: benchLabName(`t${tag}f`), hosts: 2, backend, agent: 'flanctl'}, (flanctlLab) =>
    withLab({name: benchLabName(`t${tag}m`), hosts: 2, backend, agent: 'manual'}, async (manualLab) => {
      const flanctlGbps: number[] = []
      const referenceGbps: number[] = []
      await iperf(manualLab, 1) // warm-up (ARP, caches), not counted
      await iperf(flanctlLab, 1)
      // ABBA order: a slow drift of the machine's load favours neither side
      for (let i = 0; i < rounds; i++) {
        if (i % 2 === 0) {
          referenceGbps.push(await iperf(manualLab, seconds))
          flanctlGbps.push(await iperf(flanctlLab, seconds))
        } else {
          flanctlGbps.push(await iperf(flanctlLab, seconds))
          referenceGbps.push(await iperf(manualLab, seconds))
        }
      }
      return {backend, ...pairedThroughput(seconds, flanctlGbps, referenceGbps)}
    }),
  )
}

export function pairedThroughput(seconds: number, flanctlGbps: readonly number[], referenceGbps: readonly number[]): PairedThroughput {
  const pairRatios = flanctlGbps.map((v, i) => v / referenceGbps[i]!)
  return {
    seconds,
    rounds: flanctlGbps.length,
    flanctlGbps: flanctlGbps.map((v) => round(v, 3)),
    referenceGbps: referenceGbps.map((v) => round(v, 3)),
    flanctlMedianGbps: round(median(flanctlGbps), 3),
    referenceMedianGbps: round(median(referenceGbps), 3),
    pairRatios: pairRatios.map((v) => round(v, 3)),
    ratio: round(median(pairRatios), 3),
    ratioMin: round(Math.min(...pairRatios), 3),
    ratioMax: round(Math.max(...pairRatios), 3),
  }
}
