import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  firstHost, formatIp4, formatIp4Net, ip4NetContains, ip4NetContainsNet, ip4NetSize, ip4NetsOverlap, lastAddress,
  nextSubnet, parseIp4, parseIp4Net, parseIp4Subnet,
} from '../../src/core/ip4.js'
import {formatIp6, formatIp6Net, ip6NetContains, ip6NetsOverlap, nextSubnet6, parseIp6, parseIp6Net, parseIp6Subnet} from '../../src/core/ip6.js'

test('parseIp4 accepts dotted quads only (Go net.ParseIP rules)', () => {
  const cases: Array<[string, number | undefined]> = [
    ['0.0.0.0', 0],
    ['10.1.2.3', 0x0a010203],
    ['255.255.255.255', 0xffffffff],
    ['192.0.2.11', 0xc000020b],
    ['256.0.0.1', undefined],
    ['10.1.2', undefined],
    ['10.1.2.3.4', undefined],
    ['010.1.2.3', undefined], // leading zeros are refused since Go 1.17
    [' 10.1.2.3', undefined],
    ['10.1.2.3/24', undefined],
    ['', undefined],
    ['a.b.c.d', undefined],
    ['::1', undefined],
    ['1..2.3', undefined],
    ['.1.2.3', undefined],
    ['1.2.3.', undefined],
    ['1.2.3.0000', undefined],
    ['1.2.3.00', undefined],
    ['1.2.3.1000', undefined],
    ['0.0.0.00', undefined],
    ['1.2.3.4\n', undefined],
    ['１.2.3.4', undefined], // a full-width digit
  ]
  for (const [text, want] of cases) assert.equal(parseIp4(text), want, text)
})

test('parseIp4 agrees with the rule written as a pattern, over strings of digits and dots', () => {
  const rule = (text: string): number | undefined => {
    const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text)
    if (m === null || m.slice(1).some((o) => Number(o) > 255)) return undefined
    return m.slice(1).reduce((n, o) => n * 256 + Number(o), 0)
  }
  const text = fc.array(fc.constantFrom('0', '1', '2', '5', '9', '.', '25', '255', '256'), {maxLength: 12}).map((parts) => parts.join(''))
  fc.assert(fc.property(text, (t) => parseIp4(t) === rule(t)), {numRuns: 5000})
})

test('parseIp4Net masks host bits; parseIp4Subnet refuses them', () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    // text, parseIp4Net, parseIp4Subnet
    ['10.3.1.7/16', '10.3.0.0/16', undefined],
    ['10.3.0.0/16', '10.3.0.0/16', '10.3.0.0/16'],
    ['0.0.0.0/0', '0.0.0.0/0', '0.0.0.0/0'],
    ['10.1.2.3/32', '10.1.2.3/32', '10.1.2.3/32'],
    ['10.1.2.3/33', undefined, undefined],
    ['10.1.2.3', undefined, undefined],
    ['10.1.2.3/', undefined, undefined],
    ['10.1.2.3/1a', undefined, undefined],
    ['fc00::/48', undefined, undefined],
  ]
  for (const [text, net, subnet] of cases) {
    const a = parseIp4Net(text)
    assert.equal(a.ok ? formatIp4Net(a.value) : undefined, net, text)
    if (!a.ok) assert.equal(a.error.code, 'E_BAD_DATA')
    const b = parseIp4Subnet(text)
    assert.equal(b.ok ? formatIp4Net(b.value) : undefined, subnet, text)
  }
})

test('IPv4 CIDR arithmetic', () => {
  const net = (t: string) => {
    const r = parseIp4Net(t)
    assert.ok(r.ok)
    return r.value
  }
  assert.equal(ip4NetSize(net('10.1.0.0/16')), 65536)
  assert.equal(ip4NetSize(net('0.0.0.0/0')), 2 ** 32)
  assert.equal(formatIp4(firstHost(net('10.1.44.0/24'))), '10.1.44.1')
  assert.equal(formatIp4(lastAddress(net('10.1.44.0/24'))), '10.1.44.255')
  assert.equal(formatIp4Net(nextSubnet(net('10.1.44.0/24'))!), '10.1.45.0/24')
  assert.equal(nextSubnet(net('255.255.255.0/24')), undefined)
  const table: Array<[string, string, boolean]> = [
    ['10.1.0.0/16', '10.1.5.0/24', true],
    ['10.1.5.0/24', '10.1.0.0/16', true],
    ['10.1.5.0/24', '10.1.6.0/24', false],
    ['0.0.0.0/0', '192.0.2.0/24', true],
    ['10.1.5.0/25', '10.1.5.128/25', false],
  ]
  for (const [a, b, want] of table) assert.equal(ip4NetsOverlap(net(a), net(b)), want, `${a} ${b}`)
  assert.ok(ip4NetContains(net('10.1.0.0/16'), parseIp4('10.1.255.255')!))
  assert.ok(!ip4NetContains(net('10.1.0.0/16'), parseIp4('10.2.0.0')!))
  assert.ok(ip4NetContainsNet(net('10.1.0.0/16'), net('10.1.5.0/24')))
  assert.ok(!ip4NetContainsNet(net('10.1.5.0/24'), net('10.1.0.0/16')))
})

test('parseIp6 / formatIp6 (canonical, as Go prints)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['::', '::'],
    ['::1', '::1'],
    ['fc00::', 'fc00::'],
    ['FC00:0:0:1::', 'fc00:0:0:1::'],
    ['fd00:0012:0013:0000::', 'fd00:12:13::'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'], // a tie: the first run
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'], // one zero group is not compressed
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['::1.2.3.4', '::102:304'], // ipaddr.js alone reads this as ::ffff:1.2.3.4
    ['1.2.3.4::', undefined],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1::2::3', undefined],
    ['12345::', undefined],
    ['fe80::1%eth0', undefined],
    [':1:2', undefined],
    ['1.2.3.4', undefined],
    ['g::', undefined],
    ['', undefined],
  ]
  for (const [text, want] of cases) {
    const ip = parseIp6(text)
    assert.equal(ip === undefined ? undefined : formatIp6(ip), want, text)
  }
})

test('IPv6 nets', () => {
  const a = parseIp6Net('fd00:12:13::1/56')
  assert.ok(a.ok)
  assert.equal(formatIp6Net(a.value), 'fd00:12:13::/56')
  assert.ok(!parseIp6Subnet('fd00:12:13::1/56').ok)
  assert.ok(!parseIp6Net('fd00::/129').ok)
  assert.ok(ip6NetContains(a.value, parseIp6('fd00:12:13:ff::1')!))
  const b = parseIp6Net('fd00:12:13:100::/56')
  assert.ok(b.ok)
  assert.ok(!ip6NetsOverlap(a.value, b.value))
  assert.equal(formatIp6Net(nextSubnet6(a.value)!), 'fd00:12:13:100::/56')
  assert.equal(nextSubnet6({ip: (1n << 128n) - 256n, prefixLen: 120}), undefined)
})

test('properties: format/parse round-trip for every address', () => {
  fc.assert(fc.property(fc.integer({min: 0, max: 0xffffffff}), (n) => parseIp4(formatIp4(n)) === n))
  fc.assert(fc.property(fc.bigInt({min: 0n, max: (1n << 128n) - 1n}), (n) => parseIp6(formatIp6(n)) === n))
  fc.assert(fc.property(fc.ipV4(), (text) => formatIp4(parseIp4(text)!) === text))
  fc.assert(fc.property(fc.ipV6(), (text) => parseIp6(text) !== undefined))
  fc.assert(fc.property(fc.string(), (text) => {
    parseIp4(text)
    parseIp6(text)
    parseIp4Net(text)
    parseIp6Net(text)
    return true
  }))
})
