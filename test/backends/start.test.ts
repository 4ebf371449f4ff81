// The backends' start (what the agent runs) on a fake kernel: which VtepMAC goes into the lease,
// what the device spec is, and host-gw's NAT check.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {BackendPlatform} from '../../src/backends/platform.js'
import type {VxlanDeviceState} from '../../src/backends/vxlan/device.js'
import {decodeNetworkConfig} from '../../src/backends/network-config.js'
import {FlanctlError} from '../../src/core/errors.js'
import type {ExternalInterface} from '../../src/core/external-interface.js'
import type {NetworkConfig} from '../../src/core/types.js'
import {startBackend} from '../../src/engine/join-network.js'
import {fakePlatform} from '../helpers/fake-platform.js'
import {byKind} from '../helpers/entries.js'
import {lease} from '../engine/fakes.js'

const external: ExternalInterface = {name: 'eth0', index: 2, mtu: 1500, ifaceAddr: 0xc000020b, publicIp: 0xc000020b, onLinkSubnets: [{ip: 0xc0000200, prefixLen: 24}]}

function config(text: string): NetworkConfig {
  const decoded = decodeNetworkConfig(text, 'test')
  assert.ok(decoded.ok)
  return decoded.value
}

function platform(existing?: VxlanDeviceState) {
  const {platform: p, ensured} = fakePlatform({existing})
  return {p, ensured}
}

/** the backend as the agent starts it: the registry's module, on this platform */
function createBackend(input: {config: NetworkConfig; external: ExternalInterface; random: () => number}, p: BackendPlatform) {
  return startBackend(input.config, input.external, {platform: p, random: input.random})
}

const existingDevice: VxlanDeviceState = {
  name: 'flannel.1', index: 9, kind: 'vxlan', mac: '0a:11:22:33:44:55', mtu: 1450, up: true, vni: 1, port: 8472,
  localIp: 0xc000020b, externalInterface: 'eth0', learning: false, addresses: [{ip: 0xc6120500, prefixLen: 32}],
}

test('vxlan, no device yet: a random locally administered MAC goes into the lease and into the new device', async () => {
  const {p, ensured} = platform()
  const backend = await createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'), external, random: () => 0.5}, p)
  assert.equal(backend.type, 'vxlan')
  assert.equal(backend.mtu, 1450)
  const data = backend.leaseAttrs.backendData as {VNI: number; VtepMAC: string}
  assert.equal(data.VNI, 1)
  assert.equal(data.VtepMAC, '82:80:80:80:80:80')
  assert.deepEqual(backend.leaseAttrs, {publicIp: '192.0.2.11', publicIpv6: null, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: '82:80:80:80:80:80'}})
  await backend.activate(lease('198.18.7.0/24', '192.0.2.11'))
  assert.equal(ensured.length, 1)
  assert.equal(ensured[0].mac, '82:80:80:80:80:80')
  assert.deepEqual(ensured[0].address, {ip: 0xc6120700, prefixLen: 32})
  assert.equal(ensured[0].port, 8472)
  assert.equal(ensured[0].externalInterface, 'eth0')
  assert.equal(ensured[0].localIp, 0xc000020b)
})

test('vxlan, compatible device from the last run: its MAC is kept (peers\' fdb stays valid)', async () => {
  const {p, ensured} = platform(existingDevice)
  const backend = await createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'), external, random: () => 0.5}, p)
  assert.equal((backend.leaseAttrs.backendData as {VtepMAC: string}).VtepMAC, '0a:11:22:33:44:55')
  await backend.activate(lease('198.18.5.0/24', '192.0.2.11'))
  assert.equal(ensured[0].mac, '0a:11:22:33:44:55')
})

test('vxlan, incompatible device (other VNI): a new MAC, the device is made again', async () => {
  const {p} = platform({...existingDevice, vni: 7})
  const backend = await createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'), external, random: () => 0.5}, p)
  assert.equal((backend.leaseAttrs.backendData as {VtepMAC: string}).VtepMAC, '82:80:80:80:80:80')
})

test('vxlan options: VNI, Port, MTU', async () => {
  const {p, ensured} = platform()
  const backend = await createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan","VNI":4,"Port":4789,"MTU":9000}}'), external, random: () => 0}, p)
  assert.equal(backend.mtu, 8950)
  await backend.activate(lease('198.18.5.0/24', '192.0.2.11'))
  assert.equal(ensured[0].name, 'flannel.4')
  assert.equal(ensured[0].port, 4789)
  assert.equal(ensured[0].vni, 4)
})

test('vxlan desired: per peer neighbour, fdb and onlink route; DirectRouting: a plain route for peers on our segment', async () => {
  const {p} = platform()
  const plain = await createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'), external, random: () => 0}, p)
  const own = lease('198.18.1.0/24', '192.0.2.11')
  const peer = lease('198.18.2.0/24', '192.0.2.12', {vtepMac: '0a:00:00:00:00:02'})
  const far = lease('198.18.3.0/24', '198.51.100.3', {vtepMac: '0a:00:00:00:00:03'})
  const d1 = plain.desired(own, [peer, far]).state
  assert.equal(byKind(d1, 'route').length, 2)
  assert.ok(byKind(d1, 'route').every((r) => r.dev === 'flannel.1' && r.onlink))
  const direct = await createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan","DirectRouting":true}}'), external, random: () => 0}, p)
  const d2 = direct.desired(own, [peer, far]).state
  assert.deepEqual(byKind(d2, 'route').map((r) => `${r.dev}${r.onlink ? ' onlink' : ''}`), ['eth0', 'flannel.1 onlink'])
  assert.equal(byKind(d2, 'fdb').length, 1)
})

test('host-gw: lease without BackendData, MTU of the interface, routes via the peer\'s public IP', async () => {
  const {p} = platform()
  const backend = await createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"host-gw"}}'), external, random: () => 0}, p)
  assert.deepEqual(backend.leaseAttrs, {publicIp: '192.0.2.11', publicIpv6: null, backendType: 'host-gw'})
  assert.equal(backend.mtu, 1500)
  const d = backend.desired(lease('198.18.1.0/24', '192.0.2.11', {backendType: 'host-gw'}), [lease('198.18.2.0/24', '192.0.2.12', {backendType: 'host-gw'})]).state
  assert.deepEqual(byKind(d, 'route'), [{kind: 'route', dst: {ip: 0xc6120200, prefixLen: 24}, via: 0xc000020c, dev: 'eth0', onlink: false}])
})

test('host-gw refuses a public IP that is not on the interface (NAT)', async () => {
  const {p} = platform()
  await assert.rejects(
    createBackend({config: config('{"Network":"198.18.0.0/16","Backend":{"Type":"host-gw"}}'), external: {...external, publicIp: 0xc6336401}, random: () => 0}, p),
    (error: unknown) => error instanceof FlanctlError && error.code === 'E_USAGE' && /NAT/.test(error.message),
  )
})
