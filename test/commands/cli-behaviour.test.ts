// What every command shares: --version, exit codes for bad flags and unreachable etcd, errors
// naming the endpoint and the FLANNELD_* variable it came from, TLS flags, colour rules.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, BIN, json, ROOT, runCli} from './helpers/cli.js'
import {closedPort} from './helpers/closed-port.js'

let tlsEtcd: EtcdServer
before(async () => {
  assertBuilt()
  tlsEtcd = await startEtcd({tls: true})
  await tlsEtcd.etcdctl(['put', '/coreos.com/network/config', '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}'])
})
after(async () => {
  await tlsEtcd?.destroy()
})

/** Runs the CLI under a pseudo-terminal (util-linux script), so that stdout is a TTY. */
function runInTty(args: string[], env: Record<string, string> = {}): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  return new Promise((resolve, reject) => {
    // chalk turns colour off when CI is set (even on a terminal) or FORCE_COLOR says so.
    const cleaned = {...process.env}
    for (const name of ['NO_COLOR', 'FORCE_COLOR', 'CI']) delete cleaned[name]
    execFile('script', ['-qec', command, '/dev/null'], {cwd: ROOT, env: {...cleaned, TERM: 'xterm-256color', ...env}}, (error, stdout) => {
      if (error && typeof error.code !== 'number') reject(error)
      else resolve(stdout)
    })
  })
}

test('--version prints oclif\'s version string, start path or oclif', async () => {
  const fast = await runCli(['--version'])
  const oclif = await runCli(['--version'], {env: {FLANCTL_NO_FAST_PATH: '1'}})
  assert.equal(fast.code, 0)
  assert.equal(oclif.code, 0)
  assert.equal(fast.stdout, oclif.stdout)
  assert.equal(fast.stdout, `flanctl/0.1.0 ${process.platform}-${process.arch} node-${process.version}\n`)
})

test('an unknown flag is exit 2 with E_USAGE, on stderr', async () => {
  const result = await runCli(['subnets', 'ls', '--bogus'])
  assert.equal(result.code, 2)
  assert.equal(result.stdout, '')
  assert.match(result.stderr, /^error \[E_USAGE\] Nonexistent flag: --bogus/)
  const asJson = await runCli(['config', 'get', '--bogus', '--json'])
  assert.equal(asJson.code, 2)
  assert.equal(json<{error: {code: string}}>(asJson).error.code, 'E_USAGE')
})

test('an unreachable endpoint: exit 5, the endpoint named, no hang', async (t) => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`
  const result = await runCli(['subnets', 'ls', '--etcd-endpoints', endpoint], {killAfterMs: 30_000})
  t.diagnostic(`failed after ${result.ms} ms`)
  assert.equal(result.code, 5, result.stderr)
  assert.ok(result.stderr.includes(endpoint), result.stderr)
  assert.match(result.stderr, /^error \[E_ETCD_UNREACHABLE\]/)
  assert.match(result.stderr, /came from --etcd-endpoints\./)
  assert.equal(result.stdout, '', 'never an empty list')
})

test('endpoints from FLANNELD_ETCD_ENDPOINTS: the error says they came from there', async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`
  const result = await runCli(['config', 'get'], {env: {FLANNELD_ETCD_ENDPOINTS: endpoint}, killAfterMs: 30_000})
  assert.equal(result.code, 5, result.stderr)
  assert.match(result.stderr, /came from FLANNELD_ETCD_ENDPOINTS \(environment\)/)
})

test('flag problems name the flag and its variable before anything is dialled', async () => {
  const certOnly = await runCli(['config', 'get', '--etcd-endpoints', tlsEtcd.endpoint], {env: {FLANNELD_ETCD_CERTFILE: tlsEtcd.tls!.clientCertFile}})
  assert.equal(certOnly.code, 2)
  assert.match(certOnly.stderr, /FLANNELD_ETCD_CERTFILE \(environment\) is set but --etcd-keyfile \(FLANNELD_ETCD_KEYFILE\) is not/)
  const noFile = await runCli(['config', 'get', '--etcd-endpoints', tlsEtcd.endpoint, '--etcd-cafile', '/nonexistent/ca.pem'])
  assert.equal(noFile.code, 2)
  assert.match(noFile.stderr, /cannot read \/nonexistent\/ca\.pem given in --etcd-cafile: ENOENT/)
})

test('TLS: with --etcd-cafile/certfile/keyfile it works; without them, exit 5 naming the endpoint', async () => {
  const tls = tlsEtcd.tls!
  const ok = await runCli(['config', 'get', '--etcd-endpoints', tlsEtcd.endpoint, '--etcd-cafile', tls.caFile, '--etcd-certfile', tls.clientCertFile, '--etcd-keyfile', tls.clientKeyFile, '--json'])
  assert.equal(ok.code, 0, ok.stderr)
  assert.equal(json<{capacity: number}>(ok).capacity, 255)
  const viaEnv = await runCli(['subnets', 'ls'], {env: {
    FLANNELD_ETCD_ENDPOINTS: tlsEtcd.endpoint, FLANNELD_ETCD_CAFILE: tls.caFile, FLANNELD_ETCD_CERTFILE: tls.clientCertFile, FLANNELD_ETCD_KEYFILE: tls.clientKeyFile,
  }})
  assert.equal(viaEnv.code, 0, viaEnv.stderr)
  const without = await runCli(['config', 'get', '--etcd-endpoints', tlsEtcd.endpoint, '--etcd-cafile', tls.caFile], {killAfterMs: 30_000})
  assert.equal(without.code, 5, without.stderr)
  assert.ok(without.stderr.includes(tlsEtcd.endpoint), without.stderr)
})

test('colour: on a terminal by default; off with NO_COLOR, with --no-color, and when piped', async () => {
  const args = ['docker-opts', '-f', '/nonexistent/subnet.env']
  const ESC = /\u001b\[/
  assert.match(await runInTty(args), ESC)
  assert.doesNotMatch(await runInTty(args, {NO_COLOR: '1'}), ESC)
  assert.doesNotMatch(await runInTty([...args, '--no-color']), ESC)
  const oclifPath = await runInTty(['config', 'get', '--etcd-endpoints', 'http://127.0.0.1:1', '--etcd-cafile', '/nonexistent'])
  assert.match(oclifPath, ESC)
  assert.doesNotMatch(await runInTty(['config', 'get', '--etcd-endpoints', 'http://127.0.0.1:1', '--etcd-cafile', '/nonexistent'], {NO_COLOR: '1'}), ESC)
  const piped = await runCli(args)
  assert.doesNotMatch(piped.stderr, ESC)
})

test('every command has --help with examples', async () => {
  for (const id of ['config set', 'config get', 'subnets ls', 'lease show', 'lease acquire', 'lease renew', 'lease release', 'lease reserve', 'lease unreserve', 'docker-opts', 'systemd']) {
    const result = await runCli([...id.split(' '), '--help'])
    assert.equal(result.code, 0, `${id}: ${result.stderr}`)
    assert.match(result.stdout, /EXAMPLES/, id)
    assert.match(result.stdout, new RegExp(`\\$ flanctl ${id}`), id)
  }
})
