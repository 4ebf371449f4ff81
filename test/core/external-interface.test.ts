import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {onLinkSubnets, selectExternalInterface, usableAddresses, type InterfaceInfo} from '../../src/core/external-interface.js'
import {formatIp4, formatIp4Net, parseIp4} from '../../src/core/ip4.js'

const addr = (cidr: string, extra: {secondary?: boolean; deprecated?: boolean} = {}) => {
  const [ip, len] = cidr.split('/')
  return {ip: parseIp4(ip)!, prefixLen: Number(len), scope: 'global', secondary: extra.secondary ?? false, deprecated: extra.deprecated ?? false}
}
const iface = (name: string, index: number, addresses: ReturnType<typeof addr>[], mtu = 1500): InterfaceInfo => ({name, index, mtu, up: true, addresses})

const interfaces: InterfaceInfo[] = [
  iface('lo', 1, [addr('127.0.0.1/8')], 65536),
  iface('eth0', 2, [addr('169.254.3.3/16'), addr('192.0.2.10/24'), addr('192.0.2.20/24', {secondary: true})]),
  iface('eth1', 3, [addr('198.51.100.7/24')], 9000),
  iface('ens5', 4, []),
  iface('ll0', 5, [addr('169.254.9.9/16')]),
]

const pick = (input: Partial<Parameters<typeof selectExternalInterface>[0]>) => {
  const r = selectExternalInterface({interfaces, defaultRouteInterface: 'eth0', ...input})
  return r.ok ? `${r.value.name} ${formatIp4(r.value.ifaceAddr)} public ${formatIp4(r.value.publicIp)} mtu ${r.value.mtu}` : `error: ${r.error.message}`
}

describe('selectExternalInterface', () => {
  const cases: [string, Partial<Parameters<typeof selectExternalInterface>[0]>, string][] = [
    ['default route interface, global address before link-local', {}, 'eth0 192.0.2.10 public 192.0.2.10 mtu 1500'],
    ['--iface by name', {iface: ['eth1']}, 'eth1 198.51.100.7 public 198.51.100.7 mtu 9000'],
    ['--iface by IP picks that address', {iface: ['192.0.2.20']}, 'eth0 192.0.2.20 public 192.0.2.20 mtu 1500'],
    ['--iface: the first that resolves wins', {iface: ['nope0', 'ens5', 'eth1']}, 'eth1 198.51.100.7 public 198.51.100.7 mtu 9000'],
    ['--iface-regex matches addresses first', {ifaceRegex: ['^198\\.51\\.']}, 'eth1 198.51.100.7 public 198.51.100.7 mtu 9000'],
    ['--iface-regex then names', {ifaceRegex: ['^eth1$']}, 'eth1 198.51.100.7 public 198.51.100.7 mtu 9000'],
    ['--iface-regex tried when --iface fails', {iface: ['nope0'], ifaceRegex: ['eth1']}, 'eth1 198.51.100.7 public 198.51.100.7 mtu 9000'],
    ['a link-local address will do when there is nothing else', {iface: ['ll0']}, 'll0 169.254.9.9 public 169.254.9.9 mtu 1500'],
    ['--public-ip overrides the lease address only', {publicIp: '203.0.113.9'}, 'eth0 192.0.2.10 public 203.0.113.9 mtu 1500'],
    ['--public-ip invalid', {publicIp: '203.0.113'}, 'error: invalid public IP address: 203.0.113'],
    ['no default route', {defaultRouteInterface: undefined}, 'error: failed to get default interface: there is no default route (use --iface or --iface-regex)'],
    ['interface without IPv4', {iface: ['ens5']}, 'error: failed to find any valid interface to use: --iface ens5: failed to find IPv4 address for interface ens5'],
    ['lo has no usable address', {iface: ['lo']}, 'error: failed to find any valid interface to use: --iface lo: failed to find IPv4 address for interface lo'],
    ['unknown name and IP', {iface: ['nope0', '10.9.9.9']}, 'error: failed to find any valid interface to use: --iface nope0: no interface named nope0; --iface 10.9.9.9: no interface has the address 10.9.9.9'],
  ]
  for (const [name, input, want] of cases) it(name, () => assert.equal(pick(input), want))

  it('a regex matching nothing lists the interfaces', () => {
    assert.match(pick({ifaceRegex: ['^wl']}), /could not match pattern \^wl to any of the available network interfaces \(lo:-, eth0:192\.0\.2\.10,192\.0\.2\.20,169\.254\.3\.3/)
  })
  it('an invalid regex is a usage error, not a throw', () => {
    assert.match(pick({ifaceRegex: ['(']}), /--iface-regex "\(" is not a valid regular expression/)
  })
  it('reports the connected subnets for DirectRouting', () => {
    const r = selectExternalInterface({interfaces, defaultRouteInterface: 'eth0'})
    assert.ok(r.ok)
    assert.deepEqual(r.value.onLinkSubnets.map(formatIp4Net), ['169.254.0.0/16', '192.0.2.0/24'])
  })
})

describe('usableAddresses and onLinkSubnets', () => {
  it('skips deprecated, loopback and multicast; primary before secondary', () => {
    const i = iface('x', 9, [addr('192.0.2.30/24', {secondary: true}), addr('192.0.2.31/24', {deprecated: true}), addr('224.0.0.5/32'), addr('192.0.2.32/24')])
    assert.deepEqual(usableAddresses(i).map(formatIp4), ['192.0.2.32', '192.0.2.30'])
    assert.deepEqual(onLinkSubnets(iface('y', 1, [addr('192.0.2.1/32'), addr('198.51.100.1/25')])).map(formatIp4Net), ['198.51.100.0/25'])
  })
})
