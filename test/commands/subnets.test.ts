// flanctl subnets ls against leases written with etcdctl in flanneld's exact format, a
// reservation, and a malformed key and value (warnings, never a crash).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, json, runCli} from './helpers/cli.js'

let etcd: EtcdServer
let leaseIdHex: string
const P = '/coreos.com/network'
const at = () => ['--etcd-endpoints', etcd.endpoint]

const VXLAN = '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}}'
const HOST_GW = '{"PublicIP":"192.0.2.12","PublicIPv6":null,"BackendType":"host-gw"}'
const UDP = '{"PublicIP":"192.0.2.13","PublicIPv6":null}'

before(async () => {
  assertBuilt()
  etcd = await startEtcd()
  const granted = await etcd.etcdctl(['lease', 'grant', '86400'])
  leaseIdHex = /lease ([0-9a-f]+) granted/.exec(granted)![1]
  await etcd.etcdctl(['put', `${P}/config`, '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}'])
  await etcd.etcdctl(['put', `--lease=${leaseIdHex}`, `${P}/subnets/10.5.52.0-24`, VXLAN])
  await etcd.etcdctl(['put', `--lease=${leaseIdHex}`, `${P}/subnets/10.5.9.0-24`, UDP])
  await etcd.etcdctl(['put', `${P}/subnets/10.5.34.0-24`, HOST_GW]) // no etcd lease: a reservation
  await etcd.etcdctl(['put', `${P}/subnets/garbage`, VXLAN])
  await etcd.etcdctl(['put', `${P}/subnets/10.5.60.0-24`, 'not json'])
})
after(async () => {
  await etcd?.destroy()
})

test('a table by default: sorted by subnet, time left or reservation; malformed entries as warnings on stderr', async () => {
  const result = await runCli(['subnets', 'ls', ...at()])
  assert.equal(result.code, 0, result.stderr)
  const lines = result.stdout.trimEnd().split('\n')
  assert.match(lines[0], /^SUBNET +PUBLIC IP +BACKEND +VTEP MAC +EXPIRES$/)
  assert.match(lines[1], /^10\.5\.9\.0\/24 +192\.0\.2\.13 +udp +- +2[34]h\d\dm$/)
  assert.match(lines[2], /^10\.5\.34\.0\/24 +192\.0\.2\.12 +host-gw +- +reservation$/)
  assert.match(lines[3], /^10\.5\.52\.0\/24 +192\.0\.2\.11 +vxlan +0a:58:c0:00:02:0b +2[34]h\d\dm$/)
  assert.equal(lines.length, 4)
  const warnings = result.stderr.trimEnd().split('\n')
  assert.equal(warnings.length, 3, result.stderr) // the two malformed entries, and the mixed backend types
  assert.ok(warnings.every((w) => w.startsWith('warning: ')))
  assert.match(result.stderr, /leases of several backend types \(1 host-gw, 1 udp, 1 vxlan\)/)
  assert.match(result.stderr, /\/coreos\.com\/network\/subnets\/garbage/)
  assert.match(result.stderr, /\/coreos\.com\/network\/subnets\/10\.5\.60\.0-24/)
})

test('-o wide adds VNI, IPv6, the etcd lease id (hex, as etcdctl shows it) and the key', async () => {
  const result = await runCli(['subnets', 'ls', '-o', 'wide', ...at()])
  assert.equal(result.code, 0, result.stderr)
  const lines = result.stdout.trimEnd().split('\n')
  assert.match(lines[0], /^SUBNET +PUBLIC IP +BACKEND +VNI +VTEP MAC +EXPIRES +IPV6 SUBNET +PUBLIC IPV6 +ETCD LEASE +KEY$/)
  assert.match(lines[3], new RegExp(`^10\\.5\\.52\\.0/24 +192\\.0\\.2\\.11 +vxlan +1 +0a:58:c0:00:02:0b +2[34]h\\d\\dm +- +- +${leaseIdHex} +/coreos\\.com/network/subnets/10\\.5\\.52\\.0-24$`))
  assert.match(lines[2], /^10\.5\.34\.0\/24 +192\.0\.2\.12 +host-gw +- +- +reservation +- +- +- +\/coreos\.com\/network\/subnets\/10\.5\.34\.0-24$/)
})

test('--json: a stable camelCase shape, with the warnings', async () => {
  const result = await runCli(['subnets', 'ls', ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stderr, '', 'with --json the warnings are in the document')
  const view = json<{prefix: string; leases: Array<Record<string, unknown>>; warnings: string[]}>(result)
  assert.equal(view.prefix, P)
  assert.equal(view.leases.length, 3)
  const vxlan = view.leases[2]
  assert.ok(typeof vxlan.ttlSeconds === 'number' && vxlan.ttlSeconds > 86_000 && vxlan.ttlSeconds <= 86_400)
  assert.deepEqual({...vxlan, ttlSeconds: 0}, {
    key: `${P}/subnets/10.5.52.0-24`,
    subnet: '10.5.52.0/24',
    ipv6Subnet: null,
    publicIp: '192.0.2.11',
    publicIpv6: null,
    backendType: 'vxlan',
    vtepMac: '0a:58:c0:00:02:0b',
    vni: 1,
    reservation: false,
    ttlSeconds: 0,
    etcdLeaseId: BigInt(`0x${leaseIdHex}`).toString(),
  })
  assert.deepEqual(view.leases[1], {
    key: `${P}/subnets/10.5.34.0-24`, subnet: '10.5.34.0/24', ipv6Subnet: null, publicIp: '192.0.2.12', publicIpv6: null,
    backendType: 'host-gw', vtepMac: null, vni: null, reservation: true, ttlSeconds: null, etcdLeaseId: null,
  })
  assert.equal(view.leases[0].backendType, null, 'udp: no BackendType in the value')
  assert.equal(view.warnings.length, 3)
})

test('an empty prefix lists nothing, and says so', async () => {
  const result = await runCli(['subnets', 'ls', ...at(), '--etcd-prefix', '/empty/network'])
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout, 'No leases under /empty/network/subnets.\n')
})

test('-o with an unknown layout is a usage error (exit 2)', async () => {
  const result = await runCli(['subnets', 'ls', '-o', 'yaml', ...at()])
  assert.equal(result.code, 2)
})
