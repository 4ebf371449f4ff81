// `flanctl up` before it touches the kernel: the start path (src/cli/main.ts) and oclif's Command class
// must behave alike, and an etcd that is down at start is waited for, not an exit.
import {before, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {assertBuilt, BIN, ROOT, runCli} from './helpers/cli.js'
import {closedPort} from './helpers/closed-port.js'

before(() => assertBuilt())

const PATHS = [{name: 'start path', env: {}}, {name: 'oclif', env: {FLANCTL_NO_FAST_PATH: '1'}}]

/** Log lines without their time, so two runs compare. */
function untimed(stderr: string): string {
  return stderr.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, '').replace(/"time":"[^"]+",/g, '')
}

test('which path runs: the start path never loads oclif\'s Command class; FLANCTL_NO_FAST_PATH=1 does', async () => {
  const args = ['up', '--iface', 'flanctl-missing0', '--etcd-endpoints', `http://127.0.0.1:${await closedPort()}`]
  const fast = await runCli(args, {env: {NODE_DEBUG: 'module'}})
  const oclif = await runCli(args, {env: {NODE_DEBUG: 'module', FLANCTL_NO_FAST_PATH: '1'}})
  assert.doesNotMatch(fast.stderr, /@oclif\/core\/lib\/command\.js/)
  assert.match(oclif.stderr, /@oclif\/core\/lib\/command\.js/)
  assert.equal(fast.code, 2)
  assert.equal(oclif.code, 2)
})

test('a bad --iface fails at once while etcd is down, in both log formats, the same on both paths', async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`
  for (const format of ['plain', 'json']) {
    const outcomes = []
    for (const path of PATHS) {
      // flanneld's spellings too: -iface=NAME
      const result = await runCli(['up', '-iface=flanctl-missing0', '--log-format', format, '--etcd-endpoints', endpoint], {env: path.env, killAfterMs: 20_000})
      assert.equal(result.code, 2, `${path.name}, ${format}: ${result.stderr}`)
      const last = result.stderr.trim().split('\n').filter((line) => !/reading the network config failed/.test(line))
      outcomes.push(untimed(last.join('\n')))
    }
    assert.equal(outcomes[0], outcomes[1], `${format}: the start path and oclif differ`)
    if (format === 'plain') assert.match(outcomes[0], /^error \[E_USAGE\] failed to find any valid interface to use: --iface flanctl-missing0: no interface named flanctl-missing0\nhint: /)
    else assert.deepEqual(Object.keys(JSON.parse(outcomes[0])), ['level', 'msg', 'code', 'error', 'hint'])
  }
})

test('flag errors and --help are oclif\'s on both paths', async () => {
  for (const path of PATHS) {
    const bad = await runCli(['up', '--healthz-port', 'abc'], {env: path.env})
    assert.equal(bad.code, 2, path.name)
    assert.match(bad.stderr, /^error \[E_USAGE\] Parsing --healthz-port\s+Expected an integer but received: abc/)
    const unknown = await runCli(['up', '--json'], {env: path.env})
    assert.equal(unknown.code, 2, path.name)
    assert.match(unknown.stderr, /Nonexistent flag: --json/)
    const help = await runCli(['up', '--iface', 'eth0', '--help'], {env: path.env})
    assert.equal(help.code, 0, path.name)
    assert.match(help.stdout, /Run the flannel agent in the foreground/)
    assert.match(help.stdout, /--subnet-lease-renew-margin/)
  }
})

test('etcd down at start: up keeps retrying with backoff, naming the key and the endpoint, and SIGTERM ends it with exit 0', async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`
  const child = spawn(process.execPath, [BIN, 'up', '--etcd-endpoints', endpoint, '--subnet-file', '/nonexistent/flanctl-test/subnet.env'], {cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  // three failed reads: 100 + 200 + 400 ms of backoff between them
  const deadline = Date.now() + 20_000
  while ((stderr.match(/reading the network config failed/g) ?? []).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  const code = await exited
  clearTimeout(timer)
  const failures = stderr.split('\n').filter((line) => /reading the network config failed/.test(line))
  assert.ok(failures.length >= 3, stderr)
  for (const line of failures) {
    assert.match(line, /key=\/coreos\.com\/network\/config/)
    assert.match(line, new RegExp(`etcd="etcd ${endpoint.replace(/[.:/]/g, '\\$&')} prefix /coreos.com/network"`))
    assert.match(line, /code=E_ETCD_UNREACHABLE/)
  }
  assert.deepEqual(failures.slice(0, 3).map((line) => /retryIn=(\S+)/.exec(line)?.[1]), ['100ms', '200ms', '400ms'])
  assert.match(stderr, /signal received signal=SIGTERM/)
  assert.equal(code, 0, stderr)
})
