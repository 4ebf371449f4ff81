// What a new config means for hosts on the old one (backends/config-change.ts), table-driven on
// decoded configs and leases: the shape each lease was written for, the MTU rule from the
// registry's overheads, the split between backends, and the mixed-backend warning.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {configChange, leaseHasShape, mixedBackendsWarning, mtuRule} from '../../src/backends/config-change.js'
import {decodeNetworkConfig} from '../../src/backends/network-config.js'
import {findBackend} from '../../src/backends/registry.js'
import type {NetworkConfig} from '../../src/core/types.js'
import {lease} from '../engine/fakes.js'

function config(json: object): NetworkConfig {
  const decoded = decodeNetworkConfig(JSON.stringify(json), 'test')
  assert.ok(decoded.ok, JSON.stringify(json))
  return decoded.value
}

const VXLAN = config({Network: '10.5.0.0/16', Backend: {Type: 'vxlan'}})
const HOST_GW = config({Network: '10.5.0.0/16', Backend: {Type: 'host-gw'}})

test('the MTU rule follows each backend\'s overhead in the registry; Backend.MTU fixes it', () => {
  assert.equal(mtuRule(VXLAN), `underlay MTU - ${findBackend('vxlan')!.overhead}`)
  assert.equal(mtuRule(HOST_GW), 'underlay MTU')
  assert.equal(mtuRule(config({Network: '10.5.0.0/16', Backend: {Type: 'vxlan', MTU: 1400}})), '1400')
  assert.equal(mtuRule(config({Network: '10.5.0.0/16'})), `underlay MTU - ${findBackend('udp')!.overhead}`)
})

test('a lease has the new shape when its backend type, Network and SubnetLen match', () => {
  const cases: Array<[NetworkConfig, ReturnType<typeof lease>, boolean]> = [
    [VXLAN, lease('10.5.3.0/24', '192.0.2.3'), true],
    [HOST_GW, lease('10.5.3.0/24', '192.0.2.3'), false],
    [VXLAN, lease('10.6.3.0/24', '192.0.2.3'), false],
    [config({Network: '10.5.0.0/16', SubnetLen: 26, Backend: {Type: 'vxlan'}}), lease('10.5.3.0/24', '192.0.2.3'), false],
    [config({Network: '10.5.0.0/16'}), lease('10.5.3.0/24', '192.0.2.3', {backendType: null}), true], // no BackendType: udp
  ]
  for (const [cfg, l, want] of cases) assert.equal(leaseHasShape(cfg, l), want, `${cfg.backend.type} ${l.key}`)
})

test('configChange: fields, old-shape leases, split, MTU; nothing for a change that keeps the shape', () => {
  const leases = [lease('10.5.1.0/24', '192.0.2.1'), lease('10.5.2.0/24', '192.0.2.2')]
  const toHostGw = configChange(VXLAN, HOST_GW, leases)
  assert.deepEqual(toHostGw.changed, ['Backend.Type vxlan -> host-gw', 'FLANNEL_MTU underlay MTU - 50 -> underlay MTU'])
  assert.equal(toHostGw.oldShapeLeases.length, 2)
  assert.equal(toHostGw.splitsNetwork, true)
  assert.deepEqual(toHostGw.mtu, {from: 'underlay MTU - 50', to: 'underlay MTU'})
  const newVni = configChange(VXLAN, config({Network: '10.5.0.0/16', Backend: {Type: 'vxlan', VNI: 2}}), leases)
  assert.deepEqual(newVni.changed, ['Backend.VNI 1 -> 2'])
  assert.equal(newVni.oldShapeLeases.length, 2, 'a vxlan lease publishes its VNI')
  assert.equal(newVni.splitsNetwork, true, 'VNI 1 and VNI 2 do not reach each other')
  const same = configChange(VXLAN, config({Network: '10.5.0.0/16', SubnetMax: '10.5.100.0', Backend: {Type: 'vxlan'}}), leases)
  assert.deepEqual(same, {changed: [], oldShapeLeases: [], splitsNetwork: false, mtu: undefined, notes: []})
  assert.deepEqual(configChange(undefined, HOST_GW, []).notes, [])
})

test('mixedBackendsWarning: one type none; several, counted per type', () => {
  assert.equal(mixedBackendsWarning([lease('10.5.1.0/24', '192.0.2.1'), lease('10.5.2.0/24', '192.0.2.2')]), undefined)
  assert.match(mixedBackendsWarning([lease('10.5.1.0/24', '192.0.2.1'), lease('10.5.2.0/24', '192.0.2.2', {backendType: 'host-gw'}), lease('10.5.3.0/24', '192.0.2.3', {backendType: null})])!,
    /^leases of several backend types \(1 host-gw, 1 udp, 1 vxlan\)/)
})
