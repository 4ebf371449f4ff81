// Startup benchmark: how long the user waits for `flanctl --version`, `flanctl docker-opts` and
// `flanctl subnets ls` (against a local etcd this starts), each as a fresh process, against a bare
// `node -e 0` measured in the same run. The cases are interleaved round by round, so a busy
// neighbour slows all of them alike; every figure is reported as a ratio to node's median.
// Targets: --version and docker-opts within 1.5x `node -e 0`, subnets ls within 3x.
//
//   node bench/startup.js [--runs 20] [--root DIR] [--no-write]   needs a build (`npm run build`)
//   import {runStartupBench} from './startup.js'                    for bench/run.ts
//
// Results are appended to bench/results/startup.json (an array, one entry per run).
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {createServer} from 'node:net'
import {cpus, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ETCD = '/usr/bin/etcd'
const ETCDCTL = '/usr/bin/etcdctl'

const SUBNET_ENV = 'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.44.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n'

/**
 * @param {{runs?: number, warmup?: number, write?: boolean, root?: string, resultsFile?: string, log?: (line: string) => void}} [options]
 * @returns {Promise<object>} the entry appended to the results file
 */
export async function runStartupBench(options = {}) {
  const runs = options.runs ?? 20
  const warmup = options.warmup ?? 3
  const root = options.root ?? ROOT
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`))
  const bin = join(root, 'bin', 'run.js')
  if (!existsSync(join(root, 'oclif.manifest.json'))) throw new Error(`no build in ${root}: run \`npm run build\` first`)
  const dir = mkdtempSync(join(tmpdir(), 'flanctl-bench-startup-'))
  const etcd = await startEtcd(join(dir, 'etcd'))
  try {
    const envFile = join(dir, 'subnet.env')
    writeFileSync(envFile, SUBNET_ENV)
    const cases = [
      {name: 'node', command: 'node -e 0', args: ['-e', '0']},
      {name: 'version', command: 'flanctl --version', target: 1.5, args: [bin, '--version']},
      {name: 'dockerOpts', command: 'flanctl docker-opts', target: 1.5, args: [bin, 'docker-opts', '-f', envFile, '-d', join(dir, 'docker_opts.env')]},
      {name: 'subnetsLs', command: 'flanctl subnets ls', target: 3, args: [bin, 'subnets', 'ls', '--etcd-endpoints', etcd.endpoint]},
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
    const base = quantiles(times.node)
    const measured = Object.fromEntries(cases.filter((c) => c.target !== undefined).map((c) => {
      const q = quantiles(times[c.name])
      const ratio = round2(q.median / base.median)
      return [c.name, {
        command: c.command,
        medianMs: round2(q.median),
        ratio,
        // the spread, as ratios to node's median: the fastest, the 10th and 90th percentiles
        spread: {min: round2(q.min / base.median), p10: round2(q.p10 / base.median), p90: round2(q.p90 / base.median)},
        target: c.target,
        met: ratio <= c.target,
      }]
    }))
    const entry = {
      bench: 'startup',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverage: readLoadAverage(),
      runs,
      nodeMedianMs: round2(base.median),
      nodeSpread: {min: round2(base.min / base.median), p10: round2(base.p10 / base.median), p90: round2(base.p90 / base.median)},
      cases: measured,
      pass: Object.values(measured).every((c) => c.met),
    }
    log(`startup (${runs} runs each, interleaved): node -e 0 median ${entry.nodeMedianMs} ms`)
    for (const c of Object.values(measured)) {
      log(`  ${c.command.padEnd(20)} x${c.ratio} (p10 x${c.spread.p10}, p90 x${c.spread.p90}), target x${c.target}: ${c.met ? 'met' : 'MISSED'}`)
    }
    if (options.write !== false) appendResult(options.resultsFile ?? join(ROOT, 'bench', 'results', 'startup.json'), entry)
    return entry
  } finally {
    await etcd.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

/** A throwaway etcd on free loopback ports, with a network config and three leases in it. */
async function startEtcd(dataDir) {
  const [clientPort, peerPort] = [await freePort(), await freePort()]
  const endpoint = `http://127.0.0.1:${clientPort}`
  const child = spawn(ETCD, ['--data-dir', dataDir, '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `default=http://127.0.0.1:${peerPort}`], {stdio: 'ignore'})
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', resolve)
    child.kill('SIGTERM')
  })
  const etcdctl = (...args) => spawnSync(ETCDCTL, ['--endpoints', endpoint, ...args], {encoding: 'utf8', env: {...process.env, ETCDCTL_API: '3'}})
  for (let i = 0; etcdctl('endpoint', 'health').status !== 0; i++) {
    if (i === 100) {
      await stop()
      throw new Error(`etcd did not become healthy at ${endpoint}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  etcdctl('put', '/coreos.com/network/config', '{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan"}}')
  for (const n of [11, 12, 13]) {
    etcdctl('put', `/coreos.com/network/subnets/10.1.${n}.0-24`, `{"PublicIP":"192.0.2.${n}","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:${n}"}}`)
  }
  return {endpoint, stop}
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

function quantiles(list) {
  const sorted = [...list].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return {min: sorted[0], p10: at(0.1), median, p90: at(0.9)}
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
