// Runs every test file with node's built-in runner through tsx. Node 20's --test takes no globs,
// so the files are listed here. `npm test -- core` runs only the tiers (folders) named. The tiers
// that run the built CLI (adapters starts `flanctl up`; commands; e2e) build it first, so that
// they never test a stale dist/.
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {watchLeaks} from './test-leaks.js'

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
const reportLeaks = watchLeaks()
// One file at a time: the adapter and e2e tiers each start etcd servers and namespaces, and
// the machine has 2 cores.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {stdio: 'inherit'})
const clean = reportLeaks()
process.exit(clean ? (result.status ?? 1) : 1)
