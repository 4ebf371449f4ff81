// `lab up --underlay`: the range checked (IPv4, room for the hosts, apart from the overlay) and
// refused when it overlaps an address or route of the root namespace. Pure: no root needed.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {FlanctlError} from '../../src/core/errors.js'
import {formatCidr, parseCidr} from '../../src/lab/ip4-text.js'
import {describeOverlaps, rootOverlaps, underlayRange, type RootAddress, type RootRoute} from '../../src/lab/underlay-range.js'

const OVERLAY = parseCidr('198.18.0.0/16')!

describe('underlayRange', () => {
  const accepted: Array<[string, number, string]> = [
    ['203.0.113.0/24', 3, '203.0.113.0/24'],
    ['203.0.113.77/24', 3, '203.0.113.0/24'], // host bits masked off
    ['10.9.0.0/16', 80, '10.9.0.0/16'],
    ['198.51.100.0/25', 80, '198.51.100.0/25'], // .11 .. .90, broadcast .127
    ['198.51.100.0/28', 3, '198.51.100.0/28'], // .11 .. .13, broadcast .15
    ['198.51.100.0/28', 4, '198.51.100.0/28'], // .14 is the last usable address
  ]
  for (const [text, hosts, want] of accepted) {
    it(`accepts ${text} for ${hosts} hosts`, () => assert.equal(formatCidr(underlayRange(text, hosts, OVERLAY)), want))
  }

  const refused: Array<[string, number, RegExp]> = [
    ['203.0.113.0', 3, /not an IPv4 range/],
    ['203.0.113.0/33', 3, /not an IPv4 range/],
    ['fd00::/64', 3, /not an IPv4 range/],
    ['203.0.113.0/24 ', 3, /not an IPv4 range/],
    ['300.0.113.0/24', 3, /not an IPv4 range/],
    ['198.51.100.0/28', 5, /too small for 5 hosts: they take its addresses \.11 to \.15/],
    ['198.51.100.0/26', 80, /too small for 80 hosts/],
    ['198.51.100.0/32', 1, /too small/],
    ['198.18.5.0/24', 3, /overlaps the overlay network 198\.18\.0\.0\/16/],
    ['198.0.0.0/8', 3, /overlaps the overlay network/],
  ]
  for (const [text, hosts, message] of refused) {
    it(`refuses ${JSON.stringify(text)} for ${hosts} hosts with E_USAGE`, () => {
      assert.throws(() => underlayRange(text, hosts, OVERLAY), (error: unknown) => error instanceof FlanctlError && error.code === 'E_USAGE' && message.test(error.message))
    })
  }

  it('names the longest prefix that would fit', () => {
    assert.throws(() => underlayRange('198.51.100.0/27', 30, OVERLAY), (error: unknown) => error instanceof FlanctlError && /\/26 or shorter/.test(error.hint ?? ''))
  })
})

describe('rootOverlaps', () => {
  // this machine's shape: lo, eth0 on 192.0.2.0/24 with the default route through it
  const addresses: RootAddress[] = [{iface: 'lo', cidr: '127.0.0.1/8'}, {iface: 'eth0', cidr: '192.0.2.2/24'}]
  const routes: RootRoute[] = [{dst: 'default', dev: 'eth0'}, {dst: '192.0.2.0/24', dev: 'eth0'}, {dst: '10.20.30.40', dev: 'eth0'}, {dst: '172.16.0.0/12', dev: 'docker0'}]
  const cases: Array<[string, string]> = [
    ['203.0.113.0/24', ''], // the default route is no overlap
    ['192.0.2.0/24', 'address 192.0.2.2/24 on eth0; route 192.0.2.0/24 dev eth0'],
    ['192.0.2.128/25', 'address 192.0.2.2/24 on eth0; route 192.0.2.0/24 dev eth0'], // inside eth0's subnet, not holding its address
    ['192.0.0.0/16', 'address 192.0.2.2/24 on eth0; route 192.0.2.0/24 dev eth0'], // around it
    ['192.0.3.0/24', ''], // next door
    ['127.5.0.0/16', 'address 127.0.0.1/8 on lo'],
    ['10.20.30.0/24', 'route 10.20.30.40 dev eth0'], // a host route
    ['10.20.31.0/24', ''],
    ['172.17.0.0/16', 'route 172.16.0.0/12 dev docker0'],
  ]
  for (const [underlay, want] of cases) {
    it(`${underlay}: ${want || 'clear'}`, () => assert.equal(describeOverlaps(rootOverlaps(parseCidr(underlay)!, addresses, routes)), want))
  }

  it('says each kind apart, with and without a device', () => {
    assert.deepEqual(rootOverlaps(parseCidr('10.0.0.0/8')!, [], [{dst: '10.1.0.0/16'}]), [{kind: 'route', cidr: '10.1.0.0/16', iface: undefined}])
    assert.equal(describeOverlaps([{kind: 'route', cidr: '10.1.0.0/16'}]), 'route 10.1.0.0/16')
  })
})
