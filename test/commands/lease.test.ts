// flanctl lease show|acquire|renew|release|reserve|unreserve against a real etcd; what they
// leave in etcd is read back with etcdctl (value bytes, and whether the key has an etcd lease).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, json, runCli} from './helpers/cli.js'

let etcd: EtcdServer
const P = '/coreos.com/network'
const at = () => ['--etcd-endpoints', etcd.endpoint]

interface LeaseJson {
  key: string
  subnet: string
  publicIp: string
  backendType: string | null
  vtepMac: string | null
  reservation: boolean
  ttlSeconds: number | null
  etcdLeaseId: string | null
  value: string
}

/** The key's value and its etcd lease id (decimal; "0": none, a reservation), as etcdctl sees them. */
async function inEtcd(key: string): Promise<{value: string; lease: string} | undefined> {
  const raw = await etcd.etcdctl(['get', key, '-w', 'json'])
  const out = JSON.parse(raw) as {kvs?: Array<{value: string}>}
  const kv = out.kvs?.[0]
  if (kv === undefined) return undefined
  // lease ids are 64-bit: read the digits, JSON.parse would round them
  return {value: Buffer.from(kv.value, 'base64').toString('utf8'), lease: /"lease":(\d+)/.exec(raw)?.[1] ?? '0'}
}

before(async () => {
  assertBuilt()
  etcd = await startEtcd()
  await etcd.etcdctl(['put', `${P}/config`, '{"Network":"10.5.0.0/16","SubnetLen":24,"Backend":{"Type":"vxlan","VNI":1}}'])
})
after(async () => {
  await etcd?.destroy()
})

let first: LeaseJson

test('acquire: a free subnet for a public IP, a 24 h lease in flannel\'s exact format', async () => {
  const result = await runCli(['lease', 'acquire', '--public-ip', '192.0.2.11', '--vtep-mac', '0a:58:c0:00:02:0b', ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const view = json<{how: string; lease: LeaseJson; deletedStale: string[]; warnings: string[]}>(result)
  assert.equal(view.how, 'new')
  first = view.lease
  assert.match(first.subnet, /^10\.5\.\d+\.0\/24$/)
  assert.equal(first.key, `${P}/subnets/${first.subnet.replace('/', '-')}`)
  const stored = await inEtcd(first.key)
  assert.equal(stored?.value, '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}}')
  assert.notEqual(stored?.lease, '0')
  const ttl = await etcd.etcdctl(['lease', 'timetolive', BigInt(stored!.lease).toString(16)])
  assert.match(ttl, /granted with TTL\(86400s\)/)
})

test('acquire again for the same public IP reuses its lease (the agent\'s first rule)', async () => {
  const result = await runCli(['lease', 'acquire', '--public-ip', '192.0.2.11', '--vtep-mac', '0a:58:c0:00:02:0b', ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const view = json<{how: string; lease: LeaseJson}>(result)
  assert.equal(view.how, 'reuse')
  assert.equal(view.lease.subnet, first.subnet)
  // without --vtep-mac the lease keeps its VtepMAC: the host's device still has it
  const again = await runCli(['lease', 'acquire', '--public-ip', '192.0.2.11', ...at(), '--json'])
  assert.equal(again.code, 0, again.stderr)
  assert.equal(json<{lease: LeaseJson}>(again).lease.vtepMac, '0a:58:c0:00:02:0b')
})

test('acquire with --previous-subnet takes it when free; human output', async () => {
  const result = await runCli(['lease', 'acquire', '--public-ip', '192.0.2.12', '--previous-subnet', '10.5.200.0/24', ...at()])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /^192\.0\.2\.12 took the previous subnet: 10\.5\.200\.0\/24$/m)
  assert.match(result.stdout, /^VtepMAC: +([0-9a-f]{2}:){5}[0-9a-f]{2}$/m, 'a generated MAC when --vtep-mac is not given')
  assert.match(result.stdout, /^Expires: +in 2[34]h\d\dm$/m)
})

test('show, by subnet and by public IP', async () => {
  const bySubnet = json<{lease: LeaseJson}>(await runCli(['lease', 'show', first.subnet, ...at(), '--json']))
  const byIp = json<{lease: LeaseJson}>(await runCli(['lease', 'show', '--public-ip', '192.0.2.11', ...at(), '--json']))
  assert.equal(bySubnet.lease.key, first.key)
  assert.equal(byIp.lease.key, first.key)
  assert.equal(byIp.lease.value, '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}}')
  const keyForm = await runCli(['lease', 'show', first.subnet.replace('/', '-'), ...at()])
  assert.equal(keyForm.code, 0, keyForm.stderr)
  assert.match(keyForm.stdout, /^Key: +\/coreos\.com\/network\/subnets\/10\.5\.\d+\.0-24$/m)
  const missing = await runCli(['lease', 'show', '10.5.251.0/24', ...at()])
  assert.equal(missing.code, 7)
  assert.match(missing.stderr, /no lease for subnet 10\.5\.251\.0\/24 under \/coreos\.com\/network\/subnets/)
  const neither = await runCli(['lease', 'show', ...at()])
  assert.equal(neither.code, 2)
  const hostBits = await runCli(['lease', 'show', '10.5.1.7/24', ...at()])
  assert.equal(hostBits.code, 2)
  assert.match(hostBits.stderr, /did you mean 10\.5\.1\.0\/24/)
})

test('renew: a fresh 24 h etcd lease, the same value', async () => {
  const before = await inEtcd(first.key)
  const result = await runCli(['lease', 'renew', first.subnet, ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const view = json<{renewed: boolean; lease: LeaseJson}>(result)
  assert.equal(view.renewed, true)
  const after = await inEtcd(first.key)
  assert.equal(after?.value, before?.value)
  assert.notEqual(after?.lease, before?.lease)
  assert.notEqual(after?.lease, '0')
  assert.equal(view.lease.etcdLeaseId, after?.lease)
})

test('reserve: a key with no etcd lease; subnets ls shows it as a reservation', async () => {
  const result = await runCli(['lease', 'reserve', '10.5.77.0/24', '--public-ip', '192.0.2.20', ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const view = json<{converted: boolean; lease: LeaseJson}>(result)
  assert.equal(view.converted, false)
  assert.equal(view.lease.reservation, true)
  assert.deepEqual(await inEtcd(`${P}/subnets/10.5.77.0-24`), {value: '{"PublicIP":"192.0.2.20","PublicIPv6":null,"BackendType":"vxlan"}', lease: '0'})
  const list = await runCli(['subnets', 'ls', ...at()])
  assert.match(list.stdout, /^10\.5\.77\.0\/24 +192\.0\.2\.20 +vxlan +- +reservation$/m)
})

test('reserve the subnet of a lease of the same public IP: converted, value kept', async () => {
  const before = await inEtcd(first.key)
  const result = await runCli(['lease', 'reserve', first.subnet, '--public-ip', '192.0.2.11', ...at()])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /^Converted the lease into a reservation: /)
  assert.deepEqual(await inEtcd(first.key), {value: before!.value, lease: '0'})
})

test('renew leaves a reservation a reservation (warning)', async () => {
  const result = await runCli(['lease', 'renew', '--public-ip', '192.0.2.11', ...at()])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stderr, /warning: .* is a reservation: it never expires/)
  assert.equal((await inEtcd(first.key))?.lease, '0')
})

test('reserve: another host\'s subnet is a conflict (exit 8), outside the network is exit 2', async () => {
  const taken = await runCli(['lease', 'reserve', '10.5.200.0/24', '--public-ip', '192.0.2.99', ...at()])
  assert.equal(taken.code, 8)
  assert.match(taken.stderr, /\[E_CONFLICT\] subnet 10\.5\.200\.0\/24 is leased to 192\.0\.2\.12/)
  const outside = await runCli(['lease', 'reserve', '10.9.1.0/24', '--public-ip', '192.0.2.99', ...at()])
  assert.equal(outside.code, 2)
  assert.match(outside.stderr, /not a \/24 subnet of the network 10\.5\.0\.0\/16 configured at \/coreos\.com\/network\/config/)
  const badIp = await runCli(['lease', 'reserve', '10.5.3.0/24', '--public-ip', '192.0.2', ...at()])
  assert.equal(badIp.code, 2)
})

test('unreserve: back to an ordinary 24 h lease, same key and value', async () => {
  const result = await runCli(['lease', 'unreserve', first.subnet, ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const view = json<{unreserved: boolean; lease: LeaseJson}>(result)
  assert.equal(view.unreserved, true)
  const stored = await inEtcd(first.key)
  assert.notEqual(stored?.lease, '0')
  assert.equal(view.lease.reservation, false)
  const again = await runCli(['lease', 'unreserve', first.subnet, ...at()])
  assert.equal(again.code, 0)
  assert.match(again.stderr, /is not a reservation; left as it is/)
})

test('release: the key is gone; releasing it again is exit 7', async () => {
  const result = await runCli(['lease', 'release', first.subnet, ...at()])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /^Released 10\.5\.\d+\.0\/24 of 192\.0\.2\.11 \(deleted \/coreos\.com\/network\/subnets\/10\.5\.\d+\.0-24\)$/m)
  assert.equal(await inEtcd(first.key), undefined)
  const again = await runCli(['lease', 'release', first.subnet, ...at()])
  assert.equal(again.code, 7)
  const reservation = await runCli(['lease', 'release', '10.5.77.0/24', ...at(), '--json'])
  assert.equal(reservation.code, 0, reservation.stderr)
  assert.equal(json<{released: LeaseJson}>(reservation).released.reservation, true)
  assert.equal(await inEtcd(`${P}/subnets/10.5.77.0-24`), undefined)
})

test('a key whose value is malformed: show is exit 9 naming it, acquire and reserve keep off it, release deletes it', async () => {
  const key = `${P}/subnets/10.5.201.0-24`
  await etcd.etcdctl(['put', key, '{not json'])
  const show = await runCli(['lease', 'show', '10.5.201.0/24', ...at()])
  assert.equal(show.code, 9)
  assert.match(show.stderr, /^error \[E_BAD_DATA\] lease \/coreos\.com\/network\/subnets\/10\.5\.201\.0-24: lease value is not valid JSON.*; the value is "\{not json"\nhint: `flanctl lease release 10\.5\.201\.0\/24` deletes the key/)
  // the previous subnet is taken by the malformed key: another one is chosen
  const acquired = await runCli(['lease', 'acquire', '--public-ip', '192.0.2.40', '--previous-subnet', '10.5.201.0/24', ...at(), '--json'])
  assert.equal(acquired.code, 0, acquired.stderr)
  const taken = json<{how: string; lease: LeaseJson}>(acquired)
  assert.equal(taken.how, 'new')
  assert.notEqual(taken.lease.subnet, '10.5.201.0/24')
  const reserve = await runCli(['lease', 'reserve', '10.5.201.0/24', '--public-ip', '192.0.2.41', ...at()])
  assert.equal(reserve.code, 8)
  assert.match(reserve.stderr, /is held by \/coreos\.com\/network\/subnets\/10\.5\.201\.0-24, whose value is malformed/)
  assert.equal((await inEtcd(key))?.value, '{not json', 'nothing was written over it')
  const release = await runCli(['lease', 'release', '10.5.201.0/24', ...at(), '--json'])
  assert.equal(release.code, 0, release.stderr)
  const released = json<{released: null; key: string; warnings: string[]}>(release)
  assert.deepEqual({released: released.released, key: released.key}, {released: null, key})
  assert.match(released.warnings[0], /lease value is not valid JSON.*; deleted all the same$/)
  assert.equal(await inEtcd(key), undefined)
  assert.equal((await runCli(['lease', 'release', taken.lease.subnet, ...at()])).code, 0)
})

test('acquire without a network config: exit 4 naming the key', async () => {
  const result = await runCli(['lease', 'acquire', '--public-ip', '192.0.2.30', ...at(), '--etcd-prefix', '/nothing/here'])
  assert.equal(result.code, 4)
  assert.match(result.stderr, /no network config at \/nothing\/here\/config/)
})
