// Startup benchmark: `flanctl --version` and `flanctl docker-opts` against a bare `node -e 0`,
// each as a fresh process, the cases interleaved round by round (so a busy neighbour slows all of
// them alike), medians compared. Target (issue 2): both within 2.5 times `node -e 0`.
//
//   node bench/startup.js [--runs 40] [--no-write]     needs a build (`npm run build`)
//   import {runStartupBench} from './startup.js'        for scripts/run-bench.js
//
// Results are appended to bench/results/startup.json (an array, one entry per run).
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const STARTUP_TARGET_RATIO = 2.5

const SUBNET_ENV = 'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.44.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n'

/**
 * @param {{runs?: number, warmup?: number, write?: boolean, root?: string, resultsFile?: string, log?: (line: string) => void}} [options]
 * @returns {Promise<object>} the entry appended to the results file
 */
export async function runStartupBench(options = {}) {
  const runs = options.runs ?? 40
  const warmup = options.warmup ?? 3
  const root = options.root ?? ROOT
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`))
  const bin = join(root, 'bin', 'run.js')
  if (!existsSync(join(root, 'dist', 'commands', 'docker-opts.js')) || !existsSync(join(root, 'oclif.manifest.json'))) {
    throw new Error(`no build in ${root}: run \`npm run build\` first`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'flanctl-bench-startup-'))
  try {
    const envFile = join(dir, 'subnet.env')
    const outFile = join(dir, 'docker_opts.env')
    writeFileSync(envFile, SUBNET_ENV)
    const cases = [
      {name: 'node', args: ['-e', '0']},
      {name: 'version', args: [bin, '--version']},
      {name: 'dockerOpts', args: [bin, 'docker-opts', '-f', envFile, '-d', outFile]},
    ]
    // Fail loudly rather than time a command that errors out early.
    for (const c of cases) {
      const r = spawnSync(process.execPath, c.args, {encoding: 'utf8'})
      if (r.status !== 0) throw new Error(`${c.name}: node ${c.args.join(' ')} exited ${r.status}: ${r.stderr}`)
    }
    const times = Object.fromEntries(cases.map((c) => [c.name, []]))
    for (let round = 0; round < warmup + runs; round++) {
      for (const c of cases) {
        const start = process.hrtime.bigint()
        spawnSync(process.execPath, c.args, {stdio: 'ignore'})
        const ms = Number(process.hrtime.bigint() - start) / 1e6
        if (round >= warmup) times[c.name].push(ms)
      }
    }
    const stats = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, summarise(list)]))
    const base = stats.node.medianMs
    const ratio = (name) => round2(stats[name].medianMs / base)
    const entry = {
      bench: 'startup',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverage: readLoadAverage(),
      runs,
      target: STARTUP_TARGET_RATIO,
      nodeMedianMs: base,
      cases: {
        version: {command: 'flanctl --version', ...stats.version, ratio: ratio('version')},
        dockerOpts: {command: 'flanctl docker-opts -f <tmp>/subnet.env -d <tmp>/docker_opts.env', ...stats.dockerOpts, ratio: ratio('dockerOpts')},
      },
      nodeStats: stats.node,
      pass: ratio('version') <= STARTUP_TARGET_RATIO && ratio('dockerOpts') <= STARTUP_TARGET_RATIO,
    }
    log(`startup (${runs} runs, median): node -e 0 ${base} ms; --version ${stats.version.medianMs} ms (x${entry.cases.version.ratio}); ` +
      `docker-opts ${stats.dockerOpts.medianMs} ms (x${entry.cases.dockerOpts.ratio}); target x${STARTUP_TARGET_RATIO}: ${entry.pass ? 'met' : 'MISSED'}`)
    if (options.write !== false) appendResult(options.resultsFile ?? join(ROOT, 'bench', 'results', 'startup.json'), entry)
    return entry
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function summarise(list) {
  const sorted = [...list].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return {medianMs: round2(median(sorted)), minMs: round2(sorted[0]), p90Ms: round2(at(0.9))}
}

function median(sorted) {
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function round2(n) {
  return Math.round(n * 100) / 100
}

function readLoadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
  } catch {
    return null
  }
}

function appendResult(file, entry) {
  mkdirSync(dirname(file), {recursive: true})
  let all = []
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'))
    if (Array.isArray(parsed)) all = parsed
  } catch {
    // missing or unreadable: start a new list
  }
  all.push(entry)
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2)
  const runsAt = argv.indexOf('--runs')
  const rootAt = argv.indexOf('--root')
  const entry = await runStartupBench({
    runs: runsAt >= 0 ? Number(argv[runsAt + 1]) : undefined,
    root: rootAt >= 0 ? argv[rootAt + 1] : undefined,
    write: !argv.includes('--no-write'),
  })
  process.stdout.write(`${JSON.stringify(entry, null, 2)}\n`)
  process.exitCode = entry.pass ? 0 : 1
}
