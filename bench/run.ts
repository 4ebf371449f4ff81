// `npm run bench` (through scripts/run-bench.js): every figure next to its reference measured in
// the same run on the same machine, written to bench/results/latest.json and printed as a
// table. Each benchmark builds its own lab and removes it, also on failure or Ctrl-C.
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, release} from 'node:os'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {join} from 'node:path'
import {agentReadyBench} from './agent-ready.js'
import {agentStartupBench} from './agent-startup.js'
import {diagnoseBench} from './diagnose.js'
import {leaseLatencyBench} from './lease-latency.js'
import {manyHostGwBench} from './many-host-gw.js'
import {manyLeasesBench} from './many-leases.js'
import {reconcileCostBench} from './reconcile-cost.js'
import {throughputBench} from './throughput.js'
import {udpThroughputBench} from './udp-throughput.js'
import {closeAllLabs} from './lib/lab-session.js'
import {round} from './lib/stats.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

interface Row {
  benchmark: string
  value: string
  reference: string
  ratio: string
  target: string
  met: boolean | null
}

type Outcome = {ok: true; value: unknown} | {ok: false; error: string}

async function attempt<T>(label: string, run: () => Promise<T>): Promise<Outcome> {
  process.stderr.write(`bench: ${label}...\n`)
  const started = Date.now()
  try {
    const value = await run()
    process.stderr.write(`bench: ${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    return {ok: true, value}
  } catch (error) {
    process.stderr.write(`bench: ${label} FAILED: ${(error as Error).message}\n`)
    return {ok: false, error: (error as Error).message}
  }
}

function table(rows: readonly Row[]): string {
  const head = ['benchmark', 'flanctl', 'reference', 'ratio', 'target', 'met']
  const cells = [head, ...rows.map((r) => [r.benchmark, r.value, r.reference, r.ratio, r.target, r.met === null ? '-' : r.met ? 'yes' : 'NO'])]
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)))
  return cells.map((c) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmarks build network namespaces: run as root')
  if (!existsSync(join(ROOT, 'dist', 'commands', 'up.js'))) throw new Error('no build: run `npm run build` first')
  const only = process.argv.slice(2)
  const wanted = (key: string): boolean => only.length === 0 || only.includes(key)
  const results: Record<string, Outcome> = {}
  const rows: Row[] = []
  const fail = (benchmark: string, outcome: Outcome): void => {
    if (!outcome.ok) rows.push({benchmark, value: 'error', reference: '-', ratio: '-', target: '-', met: false})
  }

  for (const backend of ['vxlan', 'host-gw'] as const) {
    const key = backend === 'vxlan' ? 'throughputVxlan' : 'throughputHostGw'
    if (!wanted(key) && !wanted('throughput')) continue
    const outcome = await attempt(`iperf3 throughput (${backend})`, () => throughputBench(backend))
    results[key] = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof throughputBench>>
      rows.push({benchmark: `iperf3 c1->c2, ${backend} (${r.rounds} pairs of ${r.seconds} s)`, value: `${r.flanctlMedianGbps} Gbit/s`, reference: `${r.referenceMedianGbps} Gbit/s (by hand)`, ratio: `${r.ratio} (pairs ${r.ratioMin}..${r.ratioMax})`, target: '>= 0.97', met: r.ratio >= 0.97})
    } else fail(`iperf3 c1->c2, ${backend}`, outcome)
  }

  if (wanted('throughputUdp') || wanted('throughput')) {
    const outcome = await attempt('iperf3 throughput and ping (udp, against a C relay of flannel\'s design)', () => udpThroughputBench())
    results.throughputUdp = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof udpThroughputBench>>
      // also on its own (latest.json holds whatever ran last)
      mkdirSync(join(ROOT, 'bench', 'results'), {recursive: true})
      writeFileSync(join(ROOT, 'bench', 'results', 'udp.json'), JSON.stringify({date: new Date().toISOString(), loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number), ...r}, null, 2) + '\n')
      rows.push({benchmark: `iperf3 c1->c2, udp (${r.rounds} pairs of ${r.seconds} s)`, value: `${r.flanctlMedianGbps} Gbit/s`, reference: `${r.referenceMedianGbps} Gbit/s (C relay)`, ratio: `${r.ratio} (pairs ${r.ratioMin}..${r.ratioMax})`, target: '>= 0.9', met: r.ratio >= 0.9})
      rows.push({benchmark: 'ping c1->c2, udp, median RTT', value: `${r.flanctlMedianRttMs} ms`, reference: `${r.referenceMedianRttMs} ms (C relay)`, ratio: `${round(r.flanctlMedianRttMs / r.referenceMedianRttMs, 2)}`, target: '-', met: null})
    } else fail('iperf3 c1->c2, udp', outcome)
  }

  if (wanted('agentStartup')) {
    const outcome = await attempt('flanctl up -> subnet.env', () => agentStartupBench())
    results.agentStartup = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof agentStartupBench>>
      rows.push({benchmark: 'flanctl up -> subnet.env', value: `${r.agentMedianMs} ms`, reference: `${r.nodeMedianMs} ms (node -e 0)`, ratio: `${r.ratio} (+${r.overheadMs} ms)`, target: '<= +300 ms', met: r.overheadMs <= 300})
    } else fail('flanctl up -> subnet.env', outcome)
  }

  if (wanted('agentReady')) {
    const outcome = await attempt('flanctl up -> READY=1 (fresh lease)', () => agentReadyBench())
    results.agentReady = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof agentReadyBench>>
      rows.push({benchmark: 'flanctl up -> READY=1, fresh lease', value: `${r.agentMedianMs} ms`, reference: `${r.nodeMedianMs} ms (node -e 0)`, ratio: `${r.ratio} (+${r.overheadMs} ms)`, target: '<= +250 ms', met: r.overheadMs <= 250})
    } else fail('flanctl up -> READY=1', outcome)
  }

  if (wanted('manyHostGw')) {
    const outcome = await attempt('5,000 host-gw leases at start', () => manyHostGwBench())
    results.manyHostGw = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof manyHostGwBench>>
      rows.push({benchmark: `up -> ${r.leases} host-gw routes`, value: `${r.agentMedianMs} ms`, reference: `${r.referenceMedianMs} ms (node -e 0 + ip -batch)`, ratio: `${r.ratio} (pairs ${r.ratioMin}-${r.ratioMax})`, target: '<= 2.5x', met: r.ratio <= 2.5})
    } else fail('5,000 host-gw leases at start', outcome)
  }

  if (wanted('leaseLatency')) {
    const outcome = await attempt('lease put -> routes on every host', () => leaseLatencyBench())
    results.leaseLatency = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof leaseLatencyBench>>
      rows.push({benchmark: `lease -> routes on ${r.hosts} hosts, p99`, value: `${r.agentP99Ms} ms (p50 ${r.agentP50Ms})`, reference: `${r.watchP99Ms} ms (etcd watch)`, ratio: `${r.ratio}`, target: '< 100 ms', met: r.missed === 0 && r.agentP99Ms < 100})
    } else fail('lease -> routes, p99', outcome)
  }

  if (wanted('manyLeases')) {
    const outcome = await attempt('5,000 leases on one host', () => manyLeasesBench())
    results.manyLeases = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof manyLeasesBench>>
      rows.push({
        benchmark: `${r.leases} leases programmed`,
        value: r.agentMs === undefined ? 'timed out' : `${r.agentMs} ms`,
        reference: `${r.referenceMs} ms (ip/bridge -batch)`,
        ratio: r.ratio === undefined ? '-' : `${r.ratio}`,
        target: '< 2000 ms, <= 4x',
        met: r.agentMs !== undefined && r.agentMs < 2000 && (r.ratio ?? Infinity) <= 4,
      })
      rows.push({
        benchmark: `agent RSS idle, ${r.leases} leases`,
        value: r.agentRssMb === undefined ? '-' : `${r.agentRssMb} MB`,
        reference: `${r.nodeIdleRssMb} MB (idle node)`,
        ratio: r.rssRatio === undefined ? '-' : `${r.rssRatio}`,
        target: '< 150 MB',
        met: r.agentRssMb !== undefined && r.agentRssMb < 150,
      })
    } else fail('5,000 leases', outcome)
  }

  if (wanted('reconcileCost')) {
    const outcome = await attempt('reconcile cost, 2,000 peers', () => reconcileCostBench())
    results.reconcileCost = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof reconcileCostBench>>
      const spread = (w: {minPercent: number; maxPercent: number}) => `${w.minPercent}..${w.maxPercent}`
      const ref = r.reference
      const vs = (w: {medianPercent: number}) => (ref === undefined ? '' : `; reference build ${w.medianPercent} %`)
      rows.push({benchmark: `agent CPU idle, ${r.peers} peers`, value: `${r.idle.medianPercent} % of a core`, reference: `spread ${spread(r.idle)} (${r.idle.windows.length} x ${r.idleWindowSeconds} s)${ref ? vs(ref.idle) : ''}`, ratio: ref ? `${ref.idleRatio}` : '-', target: '< 1 %', met: r.idle.medianPercent < 1})
      rows.push({benchmark: `agent CPU, ${r.churnRate} lease changes/s among ${r.peers}`, value: `${r.churn.medianPercent} % of a core`, reference: `spread ${spread(r.churn)} (${r.churn.windows.length} x ${r.windowSeconds} s)${ref ? vs(ref.churn) : ''}`, ratio: ref ? `${ref.churnRatio}` : '-', target: '< 10 %', met: r.churn.medianPercent < 10})
    } else fail('reconcile cost', outcome)
  }

  if (wanted('diagnose')) {
    const outcome = await attempt('flanctl diagnose on a healthy 3-host lab', () => diagnoseBench())
    results.diagnose = outcome
    if (outcome.ok) {
      const r = outcome.value as Awaited<ReturnType<typeof diagnoseBench>>
      rows.push({benchmark: `diagnose, 3 hosts, probes (${r.samples} pairs)`, value: `${r.diagnoseMedianMs} ms (p10..p90 ${r.diagnoseP10Ms}..${r.diagnoseP90Ms})`, reference: `${r.nodeMedianMs} ms (node -e 0)`, ratio: `${r.ratio} (pairs ${r.ratioMin}..${r.ratioMax})`, target: '<= 12x', met: r.ratio <= 12})
    } else fail('diagnose, 3 hosts', outcome)
  }

  if (wanted('cliStartup')) {
    const startupModule = join(ROOT, 'bench', 'startup.js')
    if (existsSync(startupModule)) {
      const outcome = await attempt('CLI startup (bench/startup.js)', async () => {
        const {runStartupBench} = (await import(pathToFileURL(startupModule).href)) as {runStartupBench: (o: object) => Promise<Record<string, unknown>>}
        return runStartupBench({runs: 20})
      })
      results.cliStartup = outcome
      if (outcome.ok) {
        const r = outcome.value as {nodeMedianMs: number; cases: Record<string, {command: string; medianMs: number; ratio: number; target: number; met: boolean}>}
        for (const c of Object.values(r.cases)) {
          rows.push({benchmark: c.command, value: `${c.medianMs} ms`, reference: `${r.nodeMedianMs} ms (node -e 0)`, ratio: `${c.ratio}`, target: `<= ${c.target}x`, met: c.met})
        }
      } else fail('CLI startup', outcome)
    }
  }

  const report = {
    date: new Date().toISOString(),
    machine: {cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', kernel: release(), node: process.version, loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)},
    table: rows,
    results,
  }
  mkdirSync(join(ROOT, 'bench', 'results'), {recursive: true})
  writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(`${table(rows)}\n\nwritten to bench/results/latest.json\n`)
  if (rows.some((r) => r.met === false)) process.exitCode = 1
}

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    process.stderr.write(`bench: ${signal}, removing the labs\n`)
    void closeAllLabs().finally(() => process.exit(130))
  })
}

try {
  await main()
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`)
  process.exitCode = 1
} finally {
  await closeAllLabs()
}
