import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {chooseSubnet, freeSubnets, leaseFitsConfig, type SubnetChoice} from '../../src/core/subnet-choice.js'
import {decodeNetworkConfig} from '../../src/backends/network-config.js'
import {formatIp4Net, ip4NetsOverlap, parseIp4Net} from '../../src/core/ip4.js'
import {formatIp6Net, parseIp6Net} from '../../src/core/ip6.js'
import {leaseKey} from '../../src/core/subnet-key.js'
import type {Ip4Net, Lease, NetworkConfig} from '../../src/core/types.js'

function config(json: string): NetworkConfig {
  const r = decodeNetworkConfig(json, 'test')
  assert.ok(r.ok, r.ok ? '' : r.error.message)
  return r.value
}
function net(text: string): Ip4Net {
  const r = parseIp4Net(text)
  assert.ok(r.ok)
  return r.value
}
function lease(subnet: string, publicIp: string, opts: {reservation?: boolean; ipv6?: string} = {}): Lease {
  const sn = net(subnet)
  const l: Lease = {key: leaseKey('/coreos.com/network', sn), subnet: sn, attrs: {publicIp, publicIpv6: null, backendType: 'vxlan'}, reservation: opts.reservation ?? false}
  if (opts.ipv6 !== undefined) {
    const r = parseIp6Net(opts.ipv6)
    assert.ok(r.ok)
    l.ipv6Subnet = r.value
  }
  return l
}
function summary(choice: SubnetChoice) {
  const stale = choice.staleLeases.map((l) => formatIp4Net(l.subnet))
  if (choice.kind === 'reuse') return {kind: choice.kind, subnet: formatIp4Net(choice.lease.subnet), stale}
  return {kind: choice.kind, subnet: formatIp4Net(choice.subnet), ...(choice.ipv6Subnet ? {ipv6: formatIp6Net(choice.ipv6Subnet)} : {}), stale}
}

const CFG = config('{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan"}}')
const ME = '192.0.2.11'
const first = () => 0
const last = () => 0.999999

test('chooseSubnet follows flannel\'s order', () => {
  const table: Array<{name: string; leases: Lease[]; previous?: string; random?: () => number; cfg?: NetworkConfig; want: ReturnType<typeof summary>}> = [
    {name: 'reuse our lease', leases: [lease('10.1.7.0/24', '192.0.2.12'), lease('10.1.9.0/24', ME)], previous: '10.1.3.0/24',
      want: {kind: 'reuse', subnet: '10.1.9.0/24', stale: []}},
    {name: 'our lease outside SubnetMin..Max is stale; previous is used', leases: [lease('10.1.0.0/24', ME)], previous: '10.1.3.0/24',
      want: {kind: 'previous', subnet: '10.1.3.0/24', stale: ['10.1.0.0/24']}},
    {name: 'our lease of another length is stale', leases: [lease('10.1.8.0/25', ME)], random: first,
      want: {kind: 'new', subnet: '10.1.1.0/24', stale: ['10.1.8.0/25']}},
    {name: 'our lease outside the network is stale', leases: [lease('10.2.8.0/24', ME)], random: first,
      want: {kind: 'new', subnet: '10.1.1.0/24', stale: ['10.2.8.0/24']}},
    {name: 'a reservation wins over a plain duplicate, which is stale',
      leases: [lease('10.1.5.0/24', ME), lease('10.1.6.0/24', ME, {reservation: true}), lease('10.1.7.0/24', ME, {reservation: true})],
      want: {kind: 'reuse', subnet: '10.1.6.0/24', stale: ['10.1.5.0/24']}},
    {name: 'a reservation that no longer fits is stale too', leases: [lease('10.9.0.0/24', ME, {reservation: true})], random: first,
      want: {kind: 'new', subnet: '10.1.1.0/24', stale: ['10.9.0.0/24']}},
    {name: 'previous subnet when free', leases: [lease('10.1.7.0/24', '192.0.2.12')], previous: '10.1.3.0/24',
      want: {kind: 'previous', subnet: '10.1.3.0/24', stale: []}},
    {name: 'previous subnet taken by another host', leases: [lease('10.1.3.0/24', '192.0.2.12')], previous: '10.1.3.0/24', random: first,
      want: {kind: 'new', subnet: '10.1.1.0/24', stale: []}},
    {name: 'previous subnet overlapped by an odd-sized lease', leases: [lease('10.1.0.0/22', '192.0.2.12')], previous: '10.1.3.0/24', random: first,
      want: {kind: 'new', subnet: '10.1.4.0/24', stale: []}},
    {name: 'previous subnet outside the config', leases: [], previous: '10.2.3.0/24', random: first,
      want: {kind: 'new', subnet: '10.1.1.0/24', stale: []}},
    {name: 'previous subnet of another length', leases: [], previous: '10.1.3.0/25', random: first,
      want: {kind: 'new', subnet: '10.1.1.0/24', stale: []}},
    {name: 'previous subnet equal to our own stale lease counts as taken (as in flannel)', leases: [lease('10.1.3.0/24', ME, {ipv6: 'fd00::/64'})],
      previous: '10.1.3.0/24', random: first, want: {kind: 'new', subnet: '10.1.1.0/24', stale: ['10.1.3.0/24']}},
    {name: 'new: random 0 picks the first free', leases: [lease('10.1.1.0/24', 'x'), lease('10.1.2.0/24', 'y')], random: first,
      want: {kind: 'new', subnet: '10.1.3.0/24', stale: []}},
    {name: 'new: random ~1 picks the 100th free', leases: [lease('10.1.1.0/24', 'x')], random: last,
      want: {kind: 'new', subnet: '10.1.101.0/24', stale: []}},
    {name: 'new: a random() of exactly 1 is clamped', leases: [], random: () => 1,
      want: {kind: 'new', subnet: '10.1.100.0/24', stale: []}},
    {name: 'new: fewer than 100 free', cfg: config('{"Network":"10.1.0.0/28"}'), leases: [lease('10.1.0.4/30', 'x')], random: last,
      want: {kind: 'new', subnet: '10.1.0.12/30', stale: []}},
    {name: 'new: SubnetMin/Max honoured', cfg: config('{"Network":"10.1.0.0/16","SubnetMin":"10.1.200.0","SubnetMax":"10.1.201.0"}'), leases: [lease('10.1.200.0/24', 'x')], random: first,
      want: {kind: 'new', subnet: '10.1.201.0/24', stale: []}},
    {name: 'dual stack: both families picked', cfg: config('{"Network":"10.1.0.0/16","EnableIPv6":true,"IPv6Network":"fd00::/48"}'),
      leases: [lease('10.1.1.0/24', 'x', {ipv6: 'fd00:0:0:1::/64'})], random: first,
      want: {kind: 'new', subnet: '10.1.2.0/24', ipv6: 'fd00:0:0:2::/64', stale: []}},
    {name: 'dual stack: our IPv4-only lease is stale', cfg: config('{"Network":"10.1.0.0/16","EnableIPv6":true,"IPv6Network":"fd00::/48"}'),
      leases: [lease('10.1.5.0/24', ME)], random: first,
      want: {kind: 'new', subnet: '10.1.1.0/24', ipv6: 'fd00:0:0:1::/64', stale: ['10.1.5.0/24']}},
  ]
  for (const c of table) {
    const r = chooseSubnet({config: c.cfg ?? CFG, leases: c.leases, previousSubnet: c.previous ? net(c.previous) : undefined, publicIp: ME, random: c.random ?? first})
    assert.ok(r.ok, `${c.name}: ${r.ok ? '' : r.error.message}`)
    assert.deepEqual(summary(r.value), c.want, c.name)
  }
})

test('dual stack previous subnet needs both families', () => {
  const cfg = config('{"Network":"10.1.0.0/16","EnableIPv6":true,"IPv6Network":"fd00::/48"}')
  const prev6 = parseIp6Net('fd00:0:0:9::/64')
  assert.ok(prev6.ok)
  const withBoth = chooseSubnet({config: cfg, leases: [], previousSubnet: net('10.1.3.0/24'), previousIpv6Subnet: prev6.value, publicIp: ME, random: first})
  assert.ok(withBoth.ok)
  assert.deepEqual(summary(withBoth.value), {kind: 'previous', subnet: '10.1.3.0/24', ipv6: 'fd00:0:0:9::/64', stale: []})
  const v4Only = chooseSubnet({config: cfg, leases: [], previousSubnet: net('10.1.3.0/24'), publicIp: ME, random: first})
  assert.ok(v4Only.ok)
  assert.equal(v4Only.value.kind, 'new')
})

test('out of subnets', () => {
  const small = config('{"Network":"10.1.0.0/28"}')
  const full = [lease('10.1.0.4/30', 'a'), lease('10.1.0.8/30', 'b'), lease('10.1.0.12/30', 'c')]
  const table: Array<[NetworkConfig, Lease[]]> = [
    [small, full],
    [small, [lease('10.1.0.0/28', 'a')]], // one big lease covers everything
    [config('{"Network":"10.1.0.0/16","SubnetMin":"10.1.9.0","SubnetMax":"10.1.3.0"}'), []],
  ]
  for (const [cfg, leases] of table) {
    const r = chooseSubnet({config: cfg, leases, publicIp: ME, random: first})
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'E_SUBNETS_EXHAUSTED')
    assert.match(r.error.message, /^out of subnets/)
  }
  const bad = chooseSubnet({config: CFG, leases: [], publicIp: 'nope', random: first})
  assert.ok(!bad.ok)
  assert.equal(bad.error.code, 'E_USAGE')
})

test('a key whose value is malformed holds its subnet: never the previous subnet, never a free one', () => {
  const small = config('{"Network":"10.1.0.0/28"}') // subnets .4, .8, .12 (.0 is skipped)
  const unreadable = [{subnet: net('10.1.0.8/30')}]
  const previous = chooseSubnet({config: small, leases: [], unreadable, previousSubnet: net('10.1.0.8/30'), publicIp: ME, random: last})
  assert.ok(previous.ok)
  assert.equal(previous.value.kind, 'new')
  assert.equal(summary(previous.value).subnet, '10.1.0.12/30')
  const full = chooseSubnet({config: small, leases: [lease('10.1.0.4/30', 'a'), lease('10.1.0.12/30', 'c')], unreadable, publicIp: ME, random: first})
  assert.ok(!full.ok)
  assert.equal(full.error.code, 'E_SUBNETS_EXHAUSTED')
  assert.match(full.error.message, /\(2 leases, 1 keys with malformed values\)$/)
})

test('5,000 leases: the choice is free, fits the config, and skips every taken subnet', () => {
  const cfg = config('{"Network":"10.0.0.0/8"}')
  const leases: Lease[] = []
  for (let i = 1; i <= 5000; i++) leases.push({key: `k${i}`, subnet: {ip: 0x0a000000 + i * 256, prefixLen: 24}, attrs: {publicIp: `198.51.${i >> 8}.${i & 255}`, publicIpv6: null}, reservation: false})
  const r = chooseSubnet({config: cfg, leases, publicIp: ME, random: first})
  assert.ok(r.ok)
  assert.equal(summary(r.value).subnet, '10.19.137.0/24') // 10.0.0.0 + 5001 * 256
  const reuse = chooseSubnet({config: cfg, leases, publicIp: '198.51.19.136', random: first})
  assert.ok(reuse.ok)
  assert.equal(reuse.value.kind, 'reuse')
  assert.equal(freeSubnets(cfg, leases).length, 100)
})

test('property: a new subnet never overlaps a lease and always fits the config', () => {
  const cfg = config('{"Network":"10.1.0.0/20","SubnetLen":26}')
  const leaseArb = fc.tuple(fc.integer({min: 0, max: 2 ** 12 - 1}), fc.integer({min: 18, max: 30})).map(([offset, len]) => {
    const size = 2 ** (32 - len)
    const ip = 0x0a010000 + Math.floor((offset * 16) / size) * size
    return lease(formatIp4Net({ip, prefixLen: len}), `198.51.100.${offset & 255}`)
  })
  fc.assert(fc.property(fc.array(leaseArb, {maxLength: 80}), fc.double({min: 0, max: 1, maxExcluded: true, noNaN: true}), (leases, x) => {
    const r = chooseSubnet({config: cfg, leases, publicIp: ME, random: () => x})
    if (!r.ok) {
      assert.equal(r.error.code, 'E_SUBNETS_EXHAUSTED')
      return true
    }
    assert.notEqual(r.value.kind, 'reuse')
    if (r.value.kind === 'reuse') return true
    const chosen = r.value.subnet
    assert.ok(leaseFitsConfig(cfg, {subnet: chosen}))
    for (const l of leases) assert.ok(!ip4NetsOverlap(l.subnet, chosen), `${formatIp4Net(chosen)} overlaps ${formatIp4Net(l.subnet)}`)
    return true
  }), {numRuns: 500})
})

test('a lease that is not a valid peer (loopback PublicIP, zero VtepMAC) still holds its subnet', () => {
  const tiny = config('{"Network":"10.2.0.0/22","SubnetLen":24,"Backend":{"Type":"vxlan"}}')
  const loopback = lease('10.2.1.0/24', '127.0.0.1')
  const zeroMac: Lease = {...lease('10.2.2.0/24', '192.0.2.99'), attrs: {publicIp: '192.0.2.99', publicIpv6: null, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: '00:00:00:00:00:00'}}}
  const choice = chooseSubnet({config: tiny, leases: [loopback, zeroMac], publicIp: ME, random: first})
  assert.ok(choice.ok)
  assert.deepEqual(summary(choice.value), {kind: 'new', subnet: '10.2.3.0/24', stale: []})
})
