import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {DEFAULT_VXLAN_PORT, vxlanDeviceName} from '../../src/backends/vxlan/constants.js'
import {vxlanDesired} from '../../src/backends/vxlan/desired.js'
import {vxlanDeviceSpec} from '../../src/backends/vxlan/device-spec.js'
import {findBackend, overlayMtu} from '../../src/backends/registry.js'
import {randomMac as randomVtepMac} from '../../src/core/mac.js'
import type {DataplaneState} from '../../src/core/dataplane-state.js'
import {byKind, entryLines} from '../helpers/entries.js'
import {formatIp4, formatIp4Net, parseIp4, parseIp4Net} from '../../src/core/ip4.js'
import type {Lease} from '../../src/core/types.js'

const net = (text: string) => {
  const r = parseIp4Net(text)
  assert.ok(r.ok)
  return r.value
}

function lease(subnet: string, publicIp: string, backendType: string | undefined, backendData?: unknown): Lease {
  return {
    key: `/coreos.com/network/subnets/${subnet.replace('/', '-')}`,
    subnet: net(subnet),
    attrs: {publicIp, publicIpv6: null, backendType, backendData},
    reservation: false,
  }
}
const vx = (subnet: string, publicIp: string, mac: string) => lease(subnet, publicIp, 'vxlan', {VNI: 1, VtepMAC: mac})
const lines = (s: DataplaneState) => entryLines(s)

const own = {subnet: net('198.18.5.0/24')}
const base = {ownLease: own, device: 'flannel.1', externalInterface: 'eth0', directRouting: false}

describe('vxlanDesired', () => {
  it('skips a lease whose VtepMAC is all-zero, broadcast or multicast, naming the key', () => {
    const {state, warnings} = vxlanDesired({
      ...base,
      leases: [vx('198.18.6.0/24', '192.0.2.6', '00:00:00:00:00:00'), vx('198.18.7.0/24', '192.0.2.7', 'ff:ff:ff:ff:ff:ff'), vx('198.18.8.0/24', '192.0.2.8', '01:00:5e:00:00:01'), vx('198.18.9.0/24', '192.0.2.9', '0a:00:00:00:00:09')],
    })
    assert.deepEqual(lines(state), ['fdb 0a:00:00:00:00:09 dev flannel.1 dst 192.0.2.9', 'neigh 198.18.9.0 lladdr 0a:00:00:00:00:09 dev flannel.1 nud permanent', 'route 198.18.9.0/24 via 198.18.9.0 dev flannel.1 onlink'])
    assert.deepEqual(warnings, [
      'lease 198.18.6.0/24 (key /coreos.com/network/subnets/198.18.6.0-24): BackendData.VtepMAC: 00:00:00:00:00:00 is all zeros; skipped',
      'lease 198.18.7.0/24 (key /coreos.com/network/subnets/198.18.7.0-24): BackendData.VtepMAC: ff:ff:ff:ff:ff:ff is the broadcast address; skipped',
      'lease 198.18.8.0/24 (key /coreos.com/network/subnets/198.18.8.0-24): BackendData.VtepMAC: 01:00:5e:00:00:01 is a multicast address; skipped',
    ])
  })

  it('two leases with one VtepMAC: the older keeps its entries, the newer is skipped naming both keys', () => {
    const older = {...vx('198.18.9.0/24', '192.0.2.9', '0a:00:00:00:00:09'), createRevision: '10'}
    const copy = {...vx('198.18.7.0/24', '192.0.2.7', '0a:00:00:00:00:09'), createRevision: '20'}
    const {state, warnings} = vxlanDesired({...base, leases: [copy, older]})
    assert.deepEqual(lines(state), ['fdb 0a:00:00:00:00:09 dev flannel.1 dst 192.0.2.9', 'neigh 198.18.9.0 lladdr 0a:00:00:00:00:09 dev flannel.1 nud permanent', 'route 198.18.9.0/24 via 198.18.9.0 dev flannel.1 onlink'])
    assert.deepEqual(warnings, [
      'lease 198.18.7.0/24 (key /coreos.com/network/subnets/198.18.7.0-24): VtepMAC 0a:00:00:00:00:09 is already the VtepMAC of the older lease /coreos.com/network/subnets/198.18.9.0-24; skipped',
    ])
  })

  it('programs neighbour, fdb and onlink route for each remote vxlan lease, as flannel', () => {
    const {state, warnings} = vxlanDesired({
      ...base,
      leases: [vx('198.18.5.0/24', '192.0.2.10', '0a:00:00:00:00:05'), vx('198.18.7.0/24', '192.0.2.11', '0A:58:0A:F4:01:01'), vx('198.18.9.0/24', '192.0.2.12', '0a:00:00:00:00:09')],
    })
    assert.deepEqual(warnings, [])
    assert.deepEqual(lines(state), [
      'fdb 0a:58:0a:f4:01:01 dev flannel.1 dst 192.0.2.11',
      'fdb 0a:00:00:00:00:09 dev flannel.1 dst 192.0.2.12',
      'neigh 198.18.7.0 lladdr 0a:58:0a:f4:01:01 dev flannel.1 nud permanent',
      'neigh 198.18.9.0 lladdr 0a:00:00:00:00:09 dev flannel.1 nud permanent',
      'route 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink',
      'route 198.18.9.0/24 via 198.18.9.0 dev flannel.1 onlink',
    ])
  })

  it('ignores our own lease and leases of other backend types (host-gw, udp with no BackendType)', () => {
    const {state, warnings} = vxlanDesired({
      ...base,
      leases: [vx('198.18.5.0/24', '192.0.2.10', '0a:00:00:00:00:05'), lease('198.18.6.0/24', '192.0.2.6', 'host-gw'), lease('198.18.8.0/24', '192.0.2.8', undefined)],
    })
    assert.deepEqual(lines(state), [])
    assert.deepEqual(warnings, [])
  })

  it('DirectRouting: a peer on our L2 segment gets a plain route via its public IP, others stay on vxlan', () => {
    const {state} = vxlanDesired({
      ...base,
      directRouting: true,
      localSubnetsOnLink: [net('192.0.2.0/24')],
      leases: [vx('198.18.7.0/24', '192.0.2.11', '0a:00:00:00:00:07'), vx('198.18.9.0/24', '198.51.100.9', '0a:00:00:00:00:09')],
    })
    assert.deepEqual(lines(state), [
      'fdb 0a:00:00:00:00:09 dev flannel.1 dst 198.51.100.9',
      'neigh 198.18.9.0 lladdr 0a:00:00:00:00:09 dev flannel.1 nud permanent',
      'route 198.18.7.0/24 via 192.0.2.11 dev eth0',
      'route 198.18.9.0/24 via 198.18.9.0 dev flannel.1 onlink',
    ])
  })

  it('without DirectRouting, on-link peers still go through vxlan', () => {
    const {state} = vxlanDesired({...base, localSubnetsOnLink: [net('192.0.2.0/24')], leases: [vx('198.18.7.0/24', '192.0.2.11', '0a:00:00:00:00:07')]})
    assert.deepEqual(lines(state).at(-1), 'route 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink')
  })

  const bad: [string, Lease, RegExp][] = [
    ['no BackendData', lease('198.18.7.0/24', '192.0.2.11', 'vxlan'), /198\.18\.7\.0\/24.*BackendData: expected an object.*; skipped$/],
    ['VtepMAC not a MAC', vx('198.18.7.0/24', '192.0.2.11', 'zz:00'), /BackendData\.VtepMAC: invalid MAC address/],
    ['BackendData an array', lease('198.18.7.0/24', '192.0.2.11', 'vxlan', ['0a:00:00:00:00:07']), /BackendData: expected an object/],
    ['PublicIP not IPv4', vx('198.18.7.0/24', 'fd00::1', '0a:00:00:00:00:07'), /PublicIP "fd00::1" is not an IPv4 address/],
  ]
  for (const [name, l, message] of bad) {
    it(`skips a lease with ${name}, with a warning naming it`, () => {
      const {state, warnings} = vxlanDesired({...base, leases: [l, vx('198.18.9.0/24', '192.0.2.12', '0a:00:00:00:00:09')]})
      assert.equal(byKind(state, 'route').length, 1)
      assert.equal(warnings.length, 1)
      assert.match(warnings[0], message)
      assert.match(warnings[0], /subnets\/198\.18\.7\.0-24/)
    })
  }

  it('reads VtepMAC case-insensitively, in any form Go parses', () => {
    const {state, warnings} = vxlanDesired({
      ...base,
      leases: [
        lease('198.18.7.0/24', '192.0.2.11', 'vxlan', {vni: 1, vtepmac: '0A-00-00-00-00-07'}),
        lease('198.18.8.0/24', '192.0.2.12', 'vxlan', {VNI: 1, VtepMAC: '0a00.0000.0008'}),
      ],
    })
    assert.deepEqual(warnings, [])
    assert.deepEqual(byKind(state, 'neigh').map((n) => n.lladdr), ['0a:00:00:00:00:07', '0a:00:00:00:00:08'])
  })

  it('never throws on whatever a lease holds (fuzz): each lease is programmed or warned about', () => {
    const arbLease = fc.record({
      publicIp: fc.oneof(fc.string(), fc.ipV4()),
      backendType: fc.option(fc.constantFrom('vxlan', 'host-gw', 'udp', ''), {nil: undefined}),
      backendData: fc.oneof(fc.jsonValue(), fc.record({VNI: fc.jsonValue(), VtepMAC: fc.oneof(fc.string(), fc.constant('0a:00:00:00:00:01'))})),
      third: fc.integer({min: 0, max: 255}),
    })
    fc.assert(
      fc.property(fc.array(arbLease, {maxLength: 8}), fc.boolean(), (raw, directRouting) => {
        const leases = raw.map((r) => lease(`198.18.${r.third}.0/24`, r.publicIp, r.backendType, r.backendData))
        const {state, warnings} = vxlanDesired({...base, directRouting, localSubnetsOnLink: [net('192.0.2.0/24')], leases})
        const counted = leases.filter((l) => l.attrs.backendType === 'vxlan' && l.subnet.ip !== own.subnet.ip).length
        assert.equal(byKind(state, 'route').length + warnings.length, counted)
      }),
    )
  })

  it('skips a lease with bad BackendData even when DirectRouting would not need the MAC (as flannel)', () => {
    const {state, warnings} = vxlanDesired({
      ...base,
      directRouting: true,
      localSubnetsOnLink: [net('192.0.2.0/24')],
      leases: [lease('198.18.7.0/24', '192.0.2.11', 'vxlan', {VNI: 1})],
    })
    assert.deepEqual(byKind(state, 'route'), [])
    assert.equal(warnings.length, 1)
  })
})

describe('vxlan device spec', () => {
  const input = {
    vni: 1,
    port: 0,
    localIp: parseIp4('192.0.2.10')!,
    externalInterface: 'eth0',
    externalMtu: 1500,
    ownSubnet: net('198.18.5.0/24'),
    network: net('198.18.0.0/16'),
    random: () => 0.5,
  }

  it('is flannel.<VNI>, port 8472 when 0, nolearning, local, /32 address, MTU external - 50', () => {
    const spec = vxlanDeviceSpec(input)
    assert.equal(spec.name, 'flannel.1')
    assert.equal(spec.vni, 1)
    assert.equal(spec.port, DEFAULT_VXLAN_PORT)
    assert.equal(spec.learning, false)
    assert.equal(formatIp4(spec.localIp), '192.0.2.10')
    assert.equal(spec.externalInterface, 'eth0')
    assert.equal(formatIp4Net(spec.address), '198.18.5.0/32')
    assert.equal(spec.mtu, 1450)
    assert.equal(vxlanDeviceName(4096), 'flannel.4096')
  })

  it('takes the configured Port and MTU (flannel: Backend.MTU is the underlay MTU; the device gets 50 less)', () => {
    const spec = vxlanDeviceSpec({...input, vni: 7, port: 4789, configuredMtu: 9000})
    assert.equal(spec.name, 'flannel.7')
    assert.equal(spec.port, 4789)
    assert.equal(spec.mtu, 8950)
  })

  it('makes a unicast, locally administered MAC from the random source', () => {
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      const mac = randomVtepMac(() => r)
      assert.match(mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
      const first = parseInt(mac.slice(0, 2), 16)
      assert.equal(first & 1, 0, 'unicast')
      assert.equal(first & 2, 2, 'locally administered')
    }
    let n = 0
    const seq = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66].map((b) => b / 256)
    assert.equal(randomVtepMac(() => seq[n++]), '12:22:33:44:55:66')
  })
})

describe('overlayMtu', () => {
  for (const [type, ext, mtu] of [['vxlan', 1500, 1450], ['udp', 1500, 1472], ['host-gw', 1500, 1500], ['vxlan', 9000, 8950]] as const) {
    it(`${type} on ${ext}: ${mtu}`, () => {
      assert.equal(overlayMtu(type, ext), mtu)
      assert.equal(findBackend(type)?.overhead, ext - mtu)
    })
  }
})
