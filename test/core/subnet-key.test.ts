import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {configKey, joinKey, leaseKey, normalisePrefix, parseLeaseKey, parseSubnetKey, subnetKey, subnetsPrefix} from '../../src/core/subnet-key.js'
import {formatIp4Net} from '../../src/core/ip4.js'
import {formatIp6Net} from '../../src/core/ip6.js'

function show(text: string): string | undefined {
  const r = parseSubnetKey(text)
  if (!r.ok) return undefined
  return r.value.ipv6Subnet === undefined ? formatIp4Net(r.value.subnet) : `${formatIp4Net(r.value.subnet)} ${formatIp6Net(r.value.ipv6Subnet)}`
}

// flannel's pkg/subnet/subnet_test.go (TestSubnetNodev4, TestSubnetNodev6, TestSubnetNodeInvalid), ported
test('flannel subnet key cases', () => {
  assert.equal(show('10.12.13.0-24'), '10.12.13.0/24')
  assert.equal(subnetKey({ip: 0x0a0c0d00, prefixLen: 24}), '10.12.13.0-24')
  assert.equal(show('10.12.13.0-24&fd00:12:13::-56'), '10.12.13.0/24 fd00:12:13::/56')
  const r = parseSubnetKey('10.12.13.0-24&fd00:12:13::-56')
  assert.ok(r.ok)
  assert.equal(subnetKey(r.value.subnet, r.value.ipv6Subnet), '10.12.13.0-24&fd00:12:13::-56')
  const invalid = [
    '10',
    '10.12.13.0',
    '10.12.13-24',
    '10.12.13.300-24',
    '10.12.13.0-24hi',
    '&2001::-56',
    '10.12.13.0-24&:12:13:-56',
    '10.12.13.0-24&20011::-56',
    '10.12.13.0-24&2001-56',
    '10.12.13.0-24&2001::',
    '10.12.13.0-24&2001::-56hi',
  ]
  for (const key of invalid) {
    const got = parseSubnetKey(key)
    assert.ok(!got.ok, key)
    assert.equal(got.error.code, 'E_BAD_DATA')
    assert.ok(got.error.message.includes(JSON.stringify(key)), got.error.message)
  }
})

test('more subnet keys: lengths, host bits, case', () => {
  const table: Array<[string, string | undefined]> = [
    ['10.5.52.0-24', '10.5.52.0/24'],
    ['0.0.0.0-0', '0.0.0.0/0'],
    ['10.5.52.4-30', '10.5.52.4/30'],
    ['10.5.52.2-31', '10.5.52.2/31'],
    ['10.5.52.1-32', undefined], // flannel parses the length as 5 bits: 0..31
    ['10.5.52.0-33', undefined],
    ['10.5.52.7-24', undefined], // host bits set
    ['10.5.52.0-024', '10.5.52.0/24'], // Go's ParseUint takes leading zeros
    ['10.5.052.0-24', undefined],
    ['10.5.52.0-24&FD00::-56', undefined], // flannel's pattern is lower case only
    ['10.5.52.0-24&fd00::-128', undefined],
    ['10.5.52.0-24&fd00::-127', 'fd00::/127'],
    ['10.5.52.0-24&fd00::1-64', undefined],
    ['x10.5.52.0-24', undefined],
    ['10.5.52.0-24 ', undefined],
    ['10.5.52.0_24', undefined],
    ['', undefined],
  ]
  for (const [key, want] of table) {
    const got = show(key)
    if (want === undefined) assert.equal(got, undefined, key)
    else assert.ok(got !== undefined && got.includes(want), `${key}: ${got}`)
  }
})

test('prefixes and keys are joined like flannel (path.Join)', () => {
  const table: Array<[string, string, string, string]> = [
    // prefix, normalised, config key, lease key
    ['/coreos.com/network', '/coreos.com/network', '/coreos.com/network/config', '/coreos.com/network/subnets/10.5.52.0-24'],
    ['/coreos.com/network/', '/coreos.com/network', '/coreos.com/network/config', '/coreos.com/network/subnets/10.5.52.0-24'],
    ['/coreos.com//network//', '/coreos.com/network', '/coreos.com/network/config', '/coreos.com/network/subnets/10.5.52.0-24'],
    ['/atomic.io/network', '/atomic.io/network', '/atomic.io/network/config', '/atomic.io/network/subnets/10.5.52.0-24'],
    ['coreos.com/network', 'coreos.com/network', 'coreos.com/network/config', 'coreos.com/network/subnets/10.5.52.0-24'],
    ['/', '/', '/config', '/subnets/10.5.52.0-24'],
  ]
  for (const [prefix, normal, config, lease] of table) {
    assert.equal(normalisePrefix(prefix), normal, prefix)
    assert.equal(configKey(prefix), config, prefix)
    assert.equal(leaseKey(prefix, {ip: 0x0a053400, prefixLen: 24}), lease, prefix)
  }
  assert.equal(subnetsPrefix('/coreos.com/network/'), '/coreos.com/network/subnets/')
  assert.equal(joinKey('/a/', '', 'b'), '/a/b')
  assert.equal(leaseKey('/p', {ip: 0x0a053400, prefixLen: 24}, {ip: 0xfd000012001300000000000000000000n, prefixLen: 56}), '/p/subnets/10.5.52.0-24&fd00:12:13::-56')
})

test('parseLeaseKey: only keys directly under <prefix>/subnets/', () => {
  assert.ok(parseLeaseKey('/coreos.com/network/subnets/10.5.52.0-24', '/coreos.com/network/').ok)
  for (const key of ['/coreos.com/network/config', '/other/subnets/10.5.52.0-24', '/coreos.com/network/subnets/x/10.5.52.0-24', '/coreos.com/network/subnets/']) {
    const r = parseLeaseKey(key, '/coreos.com/network')
    assert.ok(!r.ok, key)
    assert.ok(r.error.message.includes(key), r.error.message)
  }
})

const subnet4 = fc.tuple(fc.integer({min: 0, max: 0xffffffff}), fc.integer({min: 0, max: 31})).map(([ip, len]) => ({ip: len === 0 ? 0 : (ip & ((0xffffffff << (32 - len)) >>> 0)) >>> 0, prefixLen: len}))
const subnet6 = fc.tuple(fc.bigInt({min: 0n, max: (1n << 128n) - 1n}), fc.integer({min: 0, max: 127})).map(([ip, len]) => ({ip: len === 0 ? 0n : (ip >> BigInt(128 - len)) << BigInt(128 - len), prefixLen: len}))

test('property: parseSubnetKey(subnetKey(x)) == x', () => {
  fc.assert(fc.property(subnet4, fc.option(subnet6, {nil: undefined}), (sn, sn6) => {
    const r = parseSubnetKey(subnetKey(sn, sn6))
    assert.ok(r.ok)
    assert.deepEqual(r.value, sn6 === undefined ? {subnet: sn} : {subnet: sn, ipv6Subnet: sn6})
  }), {numRuns: 2000})
})

test('fuzz: parseSubnetKey / parseLeaseKey never throw', () => {
  const keyish = fc.stringMatching(/^[0-9.\-&a-f:]{0,40}$/)
  fc.assert(fc.property(fc.oneof(fc.string({unit: 'binary'}), keyish), (text) => {
    const r = parseSubnetKey(text)
    parseLeaseKey(`/coreos.com/network/subnets/${text}`, '/coreos.com/network')
    return r.ok || r.error.code === 'E_BAD_DATA'
  }), {numRuns: 2000})
})
