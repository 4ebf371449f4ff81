// flanctl systemd: the unit and the docker drop-in, printed and written, and checked with the
// real `systemd-analyze verify` (which needs every ExecStart binary to exist).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {assertBuilt, BIN, json, runCli} from './helpers/cli.js'

let dir: string
let fakeDockerd: string
before(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), 'flanctl-systemd-'))
  // dockerd is not installed here; the drop-in must point at something executable
  fakeDockerd = join(dir, 'bin', 'dockerd')
  mkdirSync(join(dir, 'bin'))
  writeFileSync(fakeDockerd, '#!/bin/sh\nexit 0\n')
  chmodSync(fakeDockerd, 0o755)
})
after(() => rmSync(dir, {recursive: true, force: true}))

/** systemd-analyze verify with unitDir first in the unit path, so that the drop-in directory is read. */
function verify(unitDir: string, units: string[]): Promise<{code: number; stderr: string}> {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', ...units.map((u) => join(unitDir, u))], {env: {...process.env, SYSTEMD_UNIT_PATH: `${unitDir}:`}},
      (error, _stdout, stderr) => resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr}))
  })
}

const ETCD = ['--etcd-endpoints', 'https://10.0.0.5:2379,https://10.0.0.6:2379', '--etcd-cafile', '/etc/flanctl/ca.pem',
  '--etcd-certfile', '/etc/flanctl/client.pem', '--etcd-keyfile', '/etc/flanctl/client-key.pem', '--etcd-prefix', '/atomic.io/network']

test('--dry-run prints a Type=notify unit running flanctl up with the etcd flags, and the drop-in', async () => {
  const result = await runCli(['systemd', '--dry-run', ...ETCD, '--iface', 'eth1', '--ip-masq', '--dockerd', fakeDockerd])
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stderr, '')
  const out = result.stdout
  assert.match(out, /^# ---- flanctl\.service ----$/m)
  assert.match(out, /^# ---- docker\.service\.d\/flanctl\.conf ----$/m)
  assert.match(out, /^Type=notify$/m)
  assert.match(out, /^NotifyAccess=all$/m)
  const execStart = out.split('\n').find((l) => l.startsWith('ExecStart=/'))
  assert.equal(execStart, `ExecStart=${BIN} up --etcd-endpoints=https://10.0.0.5:2379,https://10.0.0.6:2379 --etcd-prefix=/atomic.io/network ` +
    '--etcd-cafile=/etc/flanctl/ca.pem --etcd-certfile=/etc/flanctl/client.pem --etcd-keyfile=/etc/flanctl/client-key.pem ' +
    '--iface=eth1 --ip-masq --subnet-file=/run/flannel/subnet.env')
  assert.match(out, new RegExp(`^ExecStartPost=${BIN} docker-opts -f /run/flannel/subnet.env -d /run/docker_opts.env -k DOCKER_OPTS$`, 'm'))
  assert.match(out, /^Requires=flanctl\.service$/m)
  assert.match(out, /^EnvironmentFile=\/run\/docker_opts\.env$/m)
  assert.match(out, new RegExp(`^ExecStart=\\nExecStart=${fakeDockerd} \\$DOCKER_OPTS$`, 'm'))
})

test('written into --dir, both files pass systemd-analyze verify', async () => {
  const unitDir = join(dir, 'units')
  const result = await runCli(['systemd', '--dir', unitDir, ...ETCD, '--dockerd', `${fakeDockerd} -H fd://`, '--json'])
  assert.equal(result.code, 0, result.stderr)
  const view = json<{dryRun: boolean; written: string[]; files: Array<{path: string; text: string}>; warnings: string[]}>(result)
  assert.deepEqual(view.written, [join(unitDir, 'flanctl.service'), join(unitDir, 'docker.service.d', 'flanctl.conf')])
  assert.equal(view.dryRun, false)
  assert.deepEqual(view.warnings, [])
  for (const file of view.files) assert.equal(readFileSync(join(unitDir, file.path), 'utf8'), file.text)
  // the drop-in needs the unit it extends: a stand-in docker.service
  writeFileSync(join(unitDir, 'docker.service'), `[Unit]\nDescription=stand-in docker\n\n[Service]\nExecStart=${fakeDockerd}\n`)
  const checked = await verify(unitDir, ['flanctl.service', 'docker.service'])
  assert.equal(checked.stderr, '')
  assert.equal(checked.code, 0)
})

test('systemd-analyze verify does catch a broken unit (the check above means something)', async () => {
  const unitDir = join(dir, 'broken')
  const result = await runCli(['systemd', '--dir', unitDir, '--dockerd', join(dir, 'bin', 'no-such-dockerd')])
  assert.equal(result.code, 0, result.stderr)
  writeFileSync(join(unitDir, 'docker.service'), `[Unit]\nDescription=stand-in docker\n\n[Service]\nExecStart=${fakeDockerd}\n`)
  const checked = await verify(unitDir, ['docker.service'])
  assert.notEqual(checked.code, 0)
  assert.match(checked.stderr, /no-such-dockerd/)
})

test('the password is never written into a unit: a warning says where it goes instead', async () => {
  const result = await runCli(['systemd', '--dry-run', '--etcd-username', 'flannel', '--etcd-password', 's3cret'])
  assert.equal(result.code, 0, result.stderr)
  assert.doesNotMatch(result.stdout, /s3cret/)
  assert.match(result.stdout, /--etcd-username=flannel/)
  assert.match(result.stderr, /warning: --etcd-password is not written into the unit.*FLANNELD_ETCD_PASSWORD/)
})

test('FLANNELD_* variables count as given: they go into the unit as flags', async () => {
  const result = await runCli(['systemd', '--dry-run', '--json'], {env: {FLANNELD_ETCD_ENDPOINTS: 'http://192.0.2.5:2379'}})
  assert.equal(result.code, 0, result.stderr)
  const view = json<{files: Array<{text: string}>}>(result)
  assert.match(view.files[0].text, /up --etcd-endpoints=http:\/\/192\.0\.2\.5:2379 /)
})

test('arguments with spaces, % and $ are quoted and escaped for systemd', async () => {
  const unitDir = join(dir, 'quoting')
  const result = await runCli(['systemd', '--dir', unitDir, '--subnet-file', '/run/flannel dir/100%$x.env', '--dockerd', fakeDockerd])
  assert.equal(result.code, 0, result.stderr)
  const unit = readFileSync(join(unitDir, 'flanctl.service'), 'utf8')
  assert.match(unit, /"--subnet-file=\/run\/flannel dir\/100%%\$\$x\.env"/)
  writeFileSync(join(unitDir, 'docker.service'), `[Unit]\nDescription=stand-in docker\n\n[Service]\nExecStart=${fakeDockerd}\n`)
  const checked = await verify(unitDir, ['flanctl.service', 'docker.service'])
  assert.equal(checked.stderr, '')
})

test('a relative --exec is refused (exit 2), nothing written', async () => {
  const unitDir = join(dir, 'relative')
  const result = await runCli(['systemd', '--dir', unitDir, '--exec', 'bin/flanctl'])
  assert.equal(result.code, 2)
  assert.match(result.stderr, /--exec bin\/flanctl: systemd needs an absolute path/)
  assert.equal(existsSync(unitDir), false)
})
