import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  decodeLease, decodeLeaseAttrs, encodeLeaseAttrs, leaseBackendType,
} from '../../src/core/lease-codec.js'
import {parseMac} from '../../src/core/mac.js'
import {decodeVxlanBackendData, vxlanBackendData, vxlanLeaseAttrs} from '../../src/backends/vxlan/lease-data.js'
import {hostGwBackend} from '../../src/backends/host-gw/index.js'
import {udpBackend} from '../../src/backends/udp/index.js'

const hostGwLeaseAttrs = (publicIp: string) => hostGwBackend.leaseAttrs(publicIp, {type: 'host-gw', vni: 0, port: 0, directRouting: false, mtu: 0, raw: {}}, '')
const udpLeaseAttrs = (publicIp: string) => udpBackend.leaseAttrs(publicIp, {type: 'udp', vni: 0, port: 8285, directRouting: false, mtu: 0, raw: {}}, '')
import type {LeaseAttrs} from '../../src/core/types.js'

// what flanneld writes, byte for byte
const FLANNEL_WRITES: Array<[string, LeaseAttrs, string]> = [
  ['vxlan', vxlanLeaseAttrs('192.0.2.11', {vni: 1, vtepMac: '0a:58:c0:00:02:0b'}),
    '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}}'],
  ['host-gw', hostGwLeaseAttrs('192.0.2.12'), '{"PublicIP":"192.0.2.12","PublicIPv6":null,"BackendType":"host-gw"}'],
  ['udp', udpLeaseAttrs('198.51.100.7'), '{"PublicIP":"198.51.100.7","PublicIPv6":null}'],
  ['vxlan dual stack', {publicIp: '192.0.2.11', publicIpv6: 'fd00::11', backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: '0a:58:c0:00:02:0b'}, backendV6Data: {VNI: 1, VtepMAC: '0a:58:c0:00:02:0c'}},
    '{"PublicIP":"192.0.2.11","PublicIPv6":"fd00::11","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"},"BackendV6Data":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0c"}}'],
  ['empty BackendType omitted', {publicIp: '192.0.2.1', publicIpv6: null, backendType: ''}, '{"PublicIP":"192.0.2.1","PublicIPv6":null}'],
  ['Go escapes <, > and & in strings', {publicIp: '192.0.2.1', publicIpv6: null, backendType: 'a<b>&c', backendData: {note: '\u2028'}},
    '{"PublicIP":"192.0.2.1","PublicIPv6":null,"BackendType":"a\\u003cb\\u003e\\u0026c","BackendData":{"note":"\\u2028"}}'],
]

test('encodeLeaseAttrs writes flannel\'s exact bytes', () => {
  for (const [name, attrs, want] of FLANNEL_WRITES) assert.equal(encodeLeaseAttrs(attrs), want, name)
})

test('decodeLeaseAttrs reads what flanneld writes and encodes it back identically', () => {
  for (const [name, , text] of FLANNEL_WRITES) {
    const r = decodeLeaseAttrs(text, 'k')
    assert.ok(r.ok, name)
    assert.equal(encodeLeaseAttrs(r.value), text, name)
  }
})

test('decodeLeaseAttrs tolerates what etcdctl users write', () => {
  const table: Array<[string, string]> = [
    ['{"PublicIP":"192.0.2.11"}', '{"PublicIP":"192.0.2.11","PublicIPv6":null}'],
    ['{"PublicIP":"192.0.2.11","BackendType":"host-gw"}', '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"host-gw"}'],
    [' { "publicip" : "192.0.2.11", "backendtype":"vxlan", "backenddata": { "VNI": 1, "VtepMAC": "0a:58:c0:00:02:0b" } }\n',
      '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}}'],
    ['{"PublicIP":"192.0.2.11","PublicIPv6":"FD00:0:0::11","Comment":"by hand"}', '{"PublicIP":"192.0.2.11","PublicIPv6":"fd00::11"}'],
    ['{"PublicIP":"192.0.2.11","BackendType":null,"BackendData":null}', '{"PublicIP":"192.0.2.11","PublicIPv6":null}'],
    ['{"PublicIP":"0.0.0.0","PublicIPv6":"fd00::1"}', '{"PublicIP":"0.0.0.0","PublicIPv6":"fd00::1"}'],
    ['{"PublicIP":"192.0.2.11","BackendData":{"b":1,"a":[1,{"c":null}]}}', '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendData":{"b":1,"a":[1,{"c":null}]}}'],
  ]
  for (const [text, canonical] of table) {
    const r = decodeLeaseAttrs(text, 'k')
    assert.ok(r.ok, text)
    assert.equal(encodeLeaseAttrs(r.value), canonical, text)
  }
})

test('malformed lease values are error values naming the key', () => {
  const key = '/coreos.com/network/subnets/10.5.52.0-24'
  const table: Array<[string, RegExp]> = [
    ['', /not valid JSON/],
    ['{"PublicIP":"192.0.2.11"', /not valid JSON/],
    ['[]', /must be a JSON object, got an array/],
    ['null', /must be a JSON object, got null/],
    ['{}', /has no PublicIP/],
    ['{"PublicIP":null}', /PublicIP: invalid IPv4 address null/],
    ['{"PublicIP":"192.0.2.300"}', /PublicIP: invalid IPv4 address "192.0.2.300"/],
    ['{"PublicIP":"fd00::1"}', /PublicIP: invalid IPv4 address/],
    ['{"PublicIP":3221225995}', /PublicIP: invalid IPv4 address 3221225995/],
    ['{"PublicIP":"192.0.2.11","PublicIPv6":"192.0.2.11"}', /PublicIPv6: invalid IPv6 address/],
    ['{"PublicIP":"192.0.2.11","BackendType":7}', /BackendType: expected a string, got 7/],
  ]
  for (const [text, re] of table) {
    const r = decodeLeaseAttrs(text, key)
    assert.ok(!r.ok, text)
    assert.equal(r.error.code, 'E_BAD_DATA')
    assert.ok(r.error.message.startsWith(`${key}: `), r.error.message)
    assert.match(r.error.message, re, text)
  }
})

test('decodeLease: key, value, reservation', () => {
  const value = '{"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"host-gw"}'
  const table: Array<[string | undefined, boolean]> = [[undefined, true], ['0', true], ['', true], ['7587883870196307721', false]]
  for (const [etcdLeaseId, reservation] of table) {
    const r = decodeLease({key: '/coreos.com/network/subnets/10.5.52.0-24', value, prefix: '/coreos.com/network', etcdLeaseId, ttlSeconds: 100})
    assert.ok(r.ok)
    assert.equal(r.value.reservation, reservation)
    assert.equal(r.value.etcdLeaseId, reservation ? undefined : etcdLeaseId)
    assert.equal(r.value.ttlSeconds, reservation ? undefined : 100)
    assert.deepEqual(r.value.subnet, {ip: 0x0a053400, prefixLen: 24})
    assert.equal(r.value.key, '/coreos.com/network/subnets/10.5.52.0-24')
  }
  const dual = decodeLease({key: '/p/subnets/10.5.52.0-24&fd00:12:13::-56', value, prefix: '/p/'})
  assert.ok(dual.ok)
  assert.deepEqual(dual.value.ipv6Subnet, {ip: 0xfd000012001300000000000000000000n, prefixLen: 56})

  const badKey = decodeLease({key: '/coreos.com/network/subnets/10.5.52.0-32', value, prefix: '/coreos.com/network'})
  assert.ok(!badKey.ok)
  assert.match(badKey.error.message, /\/coreos\.com\/network\/subnets\/10\.5\.52\.0-32/)
  const badValue = decodeLease({key: '/coreos.com/network/subnets/10.5.52.0-24', value: 'garbage', prefix: '/coreos.com/network'})
  assert.ok(!badValue.ok)
  assert.match(badValue.error.message, /^lease \/coreos\.com\/network\/subnets\/10\.5\.52\.0-24: /)
})

test('vxlanBackendData', () => {
  const base = {publicIp: '192.0.2.11', publicIpv6: null}
  const table: Array<[LeaseAttrs, {vni: number; vtepMac: string} | undefined]> = [
    [{...base, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: '0a:58:c0:00:02:0b'}}, {vni: 1, vtepMac: '0a:58:c0:00:02:0b'}],
    [{...base, backendType: 'vxlan', backendData: {vni: 7, vtepmac: '0A-58-C0-00-02-0B'}}, {vni: 7, vtepMac: '0a:58:c0:00:02:0b'}],
    [{...base, backendType: 'vxlan', backendData: {VtepMAC: '0a58.c000.020b'}}, {vni: 0, vtepMac: '0a:58:c0:00:02:0b'}],
    [{...base, backendType: 'vxlan', backendData: {VNI: 1}}, undefined],
    [{...base, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: '0a:58:c0:00:02'}}, undefined],
    [{...base, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: '0a:58-c0:00:02:0b'}}, undefined],
    [{...base, backendType: 'vxlan', backendData: {VNI: 70000, VtepMAC: '0a:58:c0:00:02:0b'}}, undefined],
    [{...base, backendType: 'vxlan', backendData: {VNI: '1', VtepMAC: '0a:58:c0:00:02:0b'}}, undefined],
    [{...base, backendType: 'vxlan', backendData: 'x'}, undefined],
    [{...base, backendType: 'vxlan'}, undefined],
    [{...base, backendType: 'host-gw', backendData: {VNI: 1, VtepMAC: '0a:58:c0:00:02:0b'}}, undefined],
    [{...base}, undefined],
  ]
  for (const [attrs, want] of table) assert.deepEqual(vxlanBackendData(attrs), want, JSON.stringify(attrs))
  const why = decodeVxlanBackendData({...base, backendType: 'vxlan', backendData: {VNI: 1}}, 'lease /p/subnets/10.5.52.0-24')
  assert.ok(!why.ok)
  assert.match(why.error.message, /^lease \/p\/subnets\/10\.5\.52\.0-24: BackendData\.VtepMAC: invalid MAC address \(missing\)/)
  assert.equal(parseMac('00:00:5e:00:53:01'), '00:00:5e:00:53:01')
  assert.equal(parseMac('00:00:5e:00:53:01:02'), undefined)
})

const attrsArb: fc.Arbitrary<LeaseAttrs> = fc
  .record({
    publicIp: fc.ipV4(),
    publicIpv6: fc.option(fc.constantFrom('fd00::11', '2001:db8::1', '::1'), {nil: null}),
    backendType: fc.option(fc.constantFrom('vxlan', 'host-gw', 'x<y>&z', 'ünïcode'), {nil: undefined}),
    backendData: fc.option(fc.jsonValue().filter((v) => v !== null), {nil: undefined}),
    backendV6Data: fc.option(fc.jsonValue().filter((v) => v !== null), {nil: undefined}),
  })
  .map((a) => {
    const attrs: LeaseAttrs = {publicIp: a.publicIp, publicIpv6: a.publicIpv6}
    if (a.backendType !== undefined) attrs.backendType = a.backendType
    if (a.backendData !== undefined) attrs.backendData = a.backendData
    if (a.backendV6Data !== undefined) attrs.backendV6Data = a.backendV6Data
    return attrs
  })

test('property: decodeLeaseAttrs(encodeLeaseAttrs(a)) == a, and encoding is stable', () => {
  fc.assert(fc.property(attrsArb, (attrs) => {
    const text = encodeLeaseAttrs(attrs)
    const r = decodeLeaseAttrs(text, 'k')
    assert.ok(r.ok)
    assert.deepEqual(r.value, JSON.parse(JSON.stringify(attrs)))
    assert.equal(encodeLeaseAttrs(r.value), text)
  }), {numRuns: 1000})
})

test('fuzz: decodeLeaseAttrs / decodeLease never throw', () => {
  const check = (text: string, key: string) => {
    const a = decodeLeaseAttrs(text, 'k')
    const l = decodeLease({key, value: text, prefix: '/coreos.com/network', etcdLeaseId: '1'})
    return (a.ok || a.error.code === 'E_BAD_DATA') && (l.ok || l.error.code === 'E_BAD_DATA')
  }
  fc.assert(fc.property(fc.string({unit: 'binary'}), fc.string(), (text, k) => check(text, `/coreos.com/network/subnets/${k}`)), {numRuns: 1000})
  fc.assert(fc.property(fc.json(), (text) => check(text, '/coreos.com/network/subnets/10.5.52.0-24')), {numRuns: 1000})
  fc.assert(fc.property(
    fc.dictionary(fc.constantFrom('PublicIP', 'publicip', 'PublicIPv6', 'BackendType', 'BackendData', 'BackendV6Data', '__proto__'), fc.jsonValue()),
    (obj) => {
      const text = JSON.stringify(obj)
      const r = decodeLeaseAttrs(text, 'k')
      if (r.ok) {
        vxlanBackendData(r.value)
        encodeLeaseAttrs(r.value)
      }
      return check(text, '/coreos.com/network/subnets/10.5.52.0-24')
    },
  ), {numRuns: 1000})
})

test('a lease without BackendType is udp\'s', () => {
  assert.equal(leaseBackendType({publicIp: '192.0.2.1', publicIpv6: null}), 'udp')
  assert.equal(leaseBackendType({publicIp: '192.0.2.1', publicIpv6: null, backendType: 'host-gw'}), 'host-gw')
})
