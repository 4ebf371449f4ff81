import {describe, it, test} from 'node:test'
import assert from 'node:assert/strict'
import {hostGwDesired, hostGwPreflight} from '../../src/backends/host-gw/desired.js'
import {byKind, formatOf as formatEntry} from '../helpers/entries.js'
import {parseIp4, parseIp4Net} from '../../src/core/ip4.js'
import type {Lease} from '../../src/core/types.js'

const net = (text: string) => {
  const r = parseIp4Net(text)
  assert.ok(r.ok)
  return r.value
}
const lease = (subnet: string, publicIp: string, backendType?: string): Lease => ({
  key: `/coreos.com/network/subnets/${subnet.replace('/', '-')}`,
  subnet: net(subnet),
  attrs: {publicIp, publicIpv6: null, backendType},
  reservation: false,
})

describe('hostGwDesired', () => {
  it('routes each remote host-gw subnet via its public IP on the external interface', () => {
    const {state, warnings} = hostGwDesired({
      ownLease: {subnet: net('198.18.5.0/24')},
      externalInterface: 'eth0',
      leases: [
        lease('198.18.5.0/24', '192.0.2.10', 'host-gw'),
        lease('198.18.7.0/24', '192.0.2.11', 'host-gw'),
        lease('198.18.8.0/24', '192.0.2.12', 'vxlan'),
        lease('198.18.9.0/24', '192.0.2.13'),
        lease('198.18.10.0/24', 'nonsense', 'host-gw'),
        lease('198.18.11.0/24', '192.0.2.14', 'host-gw'),
      ],
    })
    assert.deepEqual(byKind(state, 'neigh'), [])
    assert.deepEqual(byKind(state, 'fdb'), [])
    assert.deepEqual(byKind(state, 'route').map(formatEntry), ['route 198.18.7.0/24 via 192.0.2.11 dev eth0', 'route 198.18.11.0/24 via 192.0.2.14 dev eth0'])
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /198\.18\.10\.0\/24.*PublicIP "nonsense"/)
  })
})

describe('hostGwPreflight', () => {
  it('accepts a public IP that is the interface address', () => {
    assert.ok(hostGwPreflight({name: 'eth0', ifaceAddr: parseIp4('192.0.2.10')!, publicIp: parseIp4('192.0.2.10')!}).ok)
  })
  it('refuses NAT (public IP differs), with flannel message', () => {
    const r = hostGwPreflight({name: 'eth0', ifaceAddr: parseIp4('192.0.2.10')!, publicIp: parseIp4('203.0.113.1')!})
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'E_USAGE')
    assert.match(r.error.message, /203\.0\.113\.1 differs from the address 192\.0\.2\.10 of interface eth0.*NAT, which is not supported by host-gw backend/)
  })
})

test('host-gw: a peer not on the external interface\'s subnet is skipped with one clear warning, and the host is degraded', () => {
  const base = {ownLease: {subnet: {ip: 0xc6120100, prefixLen: 24}}, externalInterface: 'eth0', onLinkSubnets: [{ip: 0xcb007100, prefixLen: 24}]}
  const near: Lease = {key: '/coreos.com/network/subnets/198.18.2.0-24', subnet: {ip: 0xc6120200, prefixLen: 24}, attrs: {publicIp: '203.0.113.2', publicIpv6: null, backendType: 'host-gw'}, reservation: false}
  const far: Lease = {key: '/coreos.com/network/subnets/198.18.3.0-24', subnet: {ip: 0xc6120300, prefixLen: 24}, attrs: {publicIp: '192.0.2.3', publicIpv6: null, backendType: 'host-gw'}, reservation: false}
  const {state, warnings, degraded} = hostGwDesired({...base, leases: [near, far]})
  assert.deepEqual(state, [{kind: 'route', dst: near.subnet, via: 0xcb007102, dev: 'eth0', onlink: false}])
  assert.equal(warnings.length, 1)
  assert.match(warnings[0]!, /key \/coreos\.com\/network\/subnets\/198\.18\.3\.0-24\): host-gw peer 192\.0\.2\.3 is not on eth0's subnet \(203\.0\.113\.0\/24\)/)
  assert.match(warnings[0]!, /use the vxlan backend \(with "DirectRouting": true/)
  assert.deepEqual(degraded, ["host-gw peer 192.0.2.3 (198.18.3.0/24) is not on eth0's L2 segment"])
  assert.equal(hostGwDesired({...base, leases: [near]}).degraded, undefined)
})
