// `npm run bench [-- names...]`: runs bench/run.ts through tsx (names: throughput,
// throughputVxlan, throughputHostGw, throughputUdp, agentStartup, agentReady, manyHostGw, leaseLatency, manyLeases, reconcileCost, diagnose, cliStartup).
// Needs root and a build. The whole run is bounded: it is stopped after 20 minutes, and the
// benchmark removes its labs when stopped.
import {spawn} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const LIMIT_MS = 20 * 60 * 1000

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'run.ts'), ...process.argv.slice(2)], {cwd: root, stdio: 'inherit'})
const limit = setTimeout(() => {
  process.stderr.write(`run-bench: stopping after ${LIMIT_MS / 60000} minutes\n`)
  child.kill('SIGTERM')
}, LIMIT_MS)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => {
  clearTimeout(limit)
  process.exit(code ?? (signal ? 1 : 0))
})
