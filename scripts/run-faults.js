// `npm run faults [-- NAME...]`: the fault suite, test/faults/*.test.ts (real etcd in a lab,
// real `flanctl up` agents in namespaces, the kernel read back), one file at a time, with the
// same leak checks as `npm test`. NAME picks the scenarios whose file name contains it
// (`npm run faults -- outage churn`). Each test has a hard limit, so a hung scenario fails
// instead of holding CI; the suite is sized to finish in a few minutes on 2 cores.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {watchLeaks} from './test-leaks.js'

const DIR = join('test', 'faults')
const TEST_TIMEOUT_MS = 420_000

const names = process.argv.slice(2)
const all = readdirSync(DIR).filter((name) => name.endsWith('.test.ts')).sort()
const files = all.filter((name) => names.length === 0 || names.some((wanted) => name.includes(wanted))).map((name) => join(DIR, name))
if (files.length === 0) {
  console.error(`no fault scenario matches ${names.join(', ')} (there are: ${all.join(', ')})`)
  process.exit(1)
}
// the scenarios run the built CLI in the lab's hosts
const built = spawnSync('npm', ['run', '--silent', 'build'], {stdio: 'inherit'})
if (built.status !== 0) process.exit(built.status ?? 1)
const reportLeaks = watchLeaks()
const started = Date.now()
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files], {stdio: 'inherit'})
console.error(`run-faults: ${files.length} scenario file(s) in ${Math.round((Date.now() - started) / 1000)} s`)
const clean = reportLeaks()
process.exit(clean ? (result.status ?? 1) : 1)
