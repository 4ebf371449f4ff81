// Runs every test file with node's built-in runner through tsx. Node 20's --test takes no globs,
// so the files are listed here. `npm test -- core` runs only the tiers (folders) named. The tiers
// that run the built CLI (adapters starts `flanctl up`; commands; e2e) build it first, so that
// they never test a stale dist/.
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'

const tiers = ['core', 'backends', 'engine', 'adapters', 'commands', 'e2e']
const only = process.argv.slice(2)
const wanted = only.length > 0 ? only : tiers

function testFiles(dir) {
  let out = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out = out.concat(testFiles(path))
    else if (name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

const files = wanted.flatMap((tier) => {
  try { return testFiles(join('test', tier)) } catch { return [] }
})
if (files.length === 0) {
  console.error(`no test files found for: ${wanted.join(', ')}`)
  process.exit(1)
}
if (wanted.some((tier) => ['adapters', 'commands', 'e2e'].includes(tier))) {
  const built = spawnSync('npm', ['run', '--silent', 'build'], {stdio: 'inherit'})
  if (built.status !== 0) process.exit(built.status ?? 1)
}
// What a test run may not leave behind: the network namespaces its tests name (fz..., flab-...)
// and the processes they start (etcd, iperf3, `flanctl up`), each new since the run began.
const TEST_NETNS = /^(fz|flab-)/
const TEST_PROCESS = /(^|\/)(etcd|iperf3)( |$)|bin\/run\.js up /

function netnsNames() {
  const out = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout ?? ''
  return new Set(out.split('\n').map((line) => line.split(' ')[0]).filter((name) => name && TEST_NETNS.test(name)))
}

function testProcesses() {
  const out = spawnSync('ps', ['-eo', 'pid=,args='], {encoding: 'utf8'}).stdout ?? ''
  const found = new Map()
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+) (.*)$/.exec(line)
    if (m && TEST_PROCESS.test(m[2]) && Number(m[1]) !== process.pid) found.set(m[1], m[2])
  }
  return found
}

const netnsBefore = netnsNames()
const processesBefore = testProcesses()
// One file at a time: the adapter and e2e tiers each start etcd servers and namespaces, and
// the machine has 2 cores.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {stdio: 'inherit'})
// a process killed in a test's last hook may take a moment to go: look again for up to 5 s
let leftNetns = []
let leftProcesses = []
for (let look = 0; look < 10; look++) {
  leftNetns = [...netnsNames()].filter((name) => !netnsBefore.has(name))
  leftProcesses = [...testProcesses()].filter(([pid]) => !processesBefore.has(pid))
  if (leftNetns.length === 0 && leftProcesses.length === 0) break
  spawnSync('sleep', ['0.5'])
}
if (leftNetns.length > 0) console.error(`run-tests: the tests left network namespaces behind: ${leftNetns.join(' ')}`)
for (const [pid, args] of leftProcesses) console.error(`run-tests: the tests left a process behind: ${pid} ${args}`)
process.exit(leftNetns.length > 0 || leftProcesses.length > 0 ? 1 : (result.status ?? 1))
