// Inputs that were misread or passed on: a switch given a value, empty flag values, a lease for a
// public IP no host can have, docker-opts values that would inject lines into docker_opts.env,
// and a FLANNEL_SUBNET docker would refuse.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, json, runCli} from './helpers/cli.js'

let etcd: EtcdServer
let dir: string
before(async () => {
  assertBuilt()
  etcd = await startEtcd()
  dir = mkdtempSync(join(tmpdir(), 'flanctl-inputs-'))
})
after(async () => {
  await etcd?.destroy()
  rmSync(dir, {recursive: true, force: true})
})

test('a switch given a value is exit 2 saying it is a switch (not a message about an argument)', async () => {
  for (const word of ['--direct-routing=maybe', '--direct-routing=']) {
    const result = await runCli(['config', 'set', '--network', '10.1.0.0/16', word, '--dry-run', '--etcd-endpoints', etcd.endpoint])
    assert.equal(result.code, 2, word)
    assert.match(result.stderr, /--direct-routing is a switch and takes no value .*give --direct-routing for on, leave it out for off/, word)
    assert.doesNotMatch(result.stderr, /JSON argument/)
  }
  const up = await runCli(['up', '--ip-masq=maybe'])
  assert.equal(up.code, 2)
  assert.match(up.stderr, /--ip-masq is a switch .*--no-ip-masq for off \(flanneld's --ip-masq=true and --ip-masq=false work too\)/)
})

test('an empty flag value is exit 2 naming the flag and what it needs; --dockerd "" still means something', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['config', 'set', '--network='], /--network was given an empty value: it needs a value/],
    [['config', 'set', '--network', ''], /--network was given an empty value/],
    [['config', 'set', '--network', '10.1.0.0/16', '--subnet-len='], /--subnet-len was given an empty value: it needs an integer/],
    [['config', 'set', '--network', '10.1.0.0/16', '--backend='], /--backend was given an empty value: it needs one of vxlan, host-gw, udp/],
    [['up', '--iface', ''], /--iface was given an empty value/],
    [['docker-opts', '-k', ''], /--key was given an empty value/],
  ]
  for (const [argv, message] of cases) {
    const result = await runCli(argv)
    assert.equal(result.code, 2, argv.join(' '))
    assert.match(result.stderr, message, argv.join(' '))
  }
  const keep = await runCli(['systemd', '--dry-run', '--dockerd='])
  assert.equal(keep.code, 0, keep.stderr)
  assert.match(keep.stdout, /docker's own ExecStart is kept/)
})

test('lease reserve and acquire refuse 0.0.0.0, broadcast, multicast and loopback public IPs; nothing written', async () => {
  await etcd.etcdctl(['put', '/coreos.com/network/config', '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}'])
  const reasons: Array<[string, RegExp]> = [
    ['0.0.0.0', /the unspecified address/], ['255.255.255.255', /the broadcast address/], ['224.0.0.1', /a multicast address/],
    ['239.1.2.3', /a multicast address/], ['127.0.0.1', /a loopback address/],
  ]
  for (const [ip, reason] of reasons) {
    for (const argv of [['lease', 'reserve', '10.5.9.0/24'], ['lease', 'acquire']]) {
      const result = await runCli([...argv, '--public-ip', ip, '--etcd-endpoints', etcd.endpoint])
      assert.equal(result.code, 2, `${argv.join(' ')} ${ip}: ${result.stderr}`)
      assert.match(result.stderr, new RegExp(`--public-ip ${ip.replaceAll('.', '\\.')} is ${reason.source}, not a host's address`))
    }
  }
  assert.equal(await etcd.etcdctl(['get', '/coreos.com/network/subnets/', '--prefix', '--keys-only']), '')
  const fine = await runCli(['lease', 'reserve', '10.5.9.0/24', '--public-ip', '203.0.113.9', '--etcd-endpoints', etcd.endpoint])
  assert.equal(fine.code, 0, fine.stderr)
})

test('docker-opts refuses FLANNEL_* values with a newline (environment) or a quote (file): exit 9, nothing written', async () => {
  const env = join(dir, 'subnet.env')
  writeFileSync(env, 'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.74.1/24\nFLANNEL_MTU=1450\n')
  const dest = join(dir, 'docker_opts.env')
  const injected = await runCli(['docker-opts', '-f', env, '-d', dest], {env: {FLANNEL_MTU: undefined, FLANNEL_IPMASQ: 'true\nDOCKER_OPTS=--evil'}})
  assert.equal(injected.code, 9)
  assert.match(injected.stderr, /FLANNEL_IPMASQ holds a newline \("true\\nDOCKER_OPTS=--evil"\).*nothing was written \(from the environment\)/)
  // FLANNEL_MTU is not checked for true/false: mk-docker-opts.sh (and flanctl before) wrote the injected line
  const env2 = join(dir, 'no-mtu.env')
  writeFileSync(env2, 'FLANNEL_SUBNET=10.1.74.1/24\n')
  const mtu = await runCli(['docker-opts', '-f', env2, '-d', dest], {env: {FLANNEL_MTU: '1450\nDOCKER_OPTS=--evil'}})
  assert.equal(mtu.code, 9, mtu.stdout)
  assert.match(mtu.stderr, /FLANNEL_MTU holds a newline/)
  assert.equal(existsSync(dest), false)
  const quoted = join(dir, 'quoted.env')
  writeFileSync(quoted, 'FLANNEL_SUBNET="10.1.74.1/24\\" --evil=\\""\n')
  const fromFile = await runCli(['docker-opts', '-f', quoted, '-d', dest])
  assert.equal(fromFile.code, 9, fromFile.stderr)
  assert.match(fromFile.stderr, /FLANNEL_SUBNET holds a double quote .*\(in .*quoted\.env\)/)
  assert.equal(existsSync(dest), false)
  const fine = await runCli(['docker-opts', '-f', env, '-d', dest])
  assert.equal(fine.code, 0, fine.stderr)
  assert.equal(fine.stderr, '')
})

test('docker-opts warns on a FLANNEL_SUBNET that is not an address with a prefix (docker would refuse --bip), and still writes', async () => {
  const env = join(dir, 'nocidr.env')
  writeFileSync(env, 'FLANNEL_SUBNET=10.1.74.1\nFLANNEL_MTU=1450\n')
  const result = await runCli(['docker-opts', '-f', env, '--dry-run', '--json'])
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(json<{warnings: string[]}>(result).warnings, [`FLANNEL_SUBNET "10.1.74.1" is not an IPv4 address with a prefix length (e.g. 10.1.74.1/24): docker will refuse --bip=10.1.74.1 (in ${env})`])
  writeFileSync(env, 'FLANNEL_SUBNET=10.1.74.1/24\n')
  assert.deepEqual(json<{warnings: string[]}>(await runCli(['docker-opts', '-f', env, '--dry-run', '--json'])).warnings, [])
})
