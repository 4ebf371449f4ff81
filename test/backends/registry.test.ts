// The one list of backends and what is derived from it.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {configWarnings, decodeNetworkConfig, unrunnableParts} from '../../src/backends/network-config.js'
import {BACKEND_TYPES, findBackend, RUNNABLE_BACKEND_TYPES} from '../../src/backends/registry.js'
import {UNNAMED_BACKEND} from '../../src/core/types.js'
import {LAB_BACKENDS} from '../../src/lab/topology.js'

const config = (text: string) => {
  const decoded = decodeNetworkConfig(text, 'test')
  assert.ok(decoded.ok)
  return decoded.value
}

test('the registry knows vxlan, host-gw and udp; up runs them all', () => {
  assert.deepEqual(BACKEND_TYPES, ['vxlan', 'host-gw', 'udp'])
  assert.deepEqual(RUNNABLE_BACKEND_TYPES, ['vxlan', 'host-gw', 'udp'])
  assert.equal(findBackend(UNNAMED_BACKEND)?.type, 'udp')
  assert.equal(findBackend('wireguard'), undefined)
})

test('every known backend that up cannot run is named in the warnings and the refusal', () => {
  for (const type of BACKEND_TYPES) {
    const cfg = config(`{"Network":"10.1.0.0/16","Backend":{"Type":"${type}"}}`)
    const parts = unrunnableParts(cfg)
    if (RUNNABLE_BACKEND_TYPES.includes(type)) assert.deepEqual(parts, [], type)
    else {
      assert.equal(parts.length, 1, type)
      assert.match(parts[0], new RegExp(`"${type}".*not supported by flanctl up yet \\(it runs vxlan, host-gw\\)`))
      assert.ok(configWarnings(cfg).some((w) => w.startsWith(parts[0])), type)
    }
  }
})

test('each module decodes its own options; the rest stay raw', () => {
  assert.deepEqual(config('{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","vni":7,"Port":4789,"GBP":true}}').backend, {type: 'vxlan', vni: 7, port: 4789, directRouting: false, mtu: 0, raw: {GBP: true}})
  assert.deepEqual(config('{"Network":"10.1.0.0/16","Backend":{"Type":"udp","Port":7890}}').backend, {type: 'udp', vni: 0, port: 7890, directRouting: false, mtu: 0, raw: {}})
  assert.deepEqual(config('{"Network":"10.1.0.0/16"}').backend, {type: 'udp', vni: 0, port: 8285, directRouting: false, mtu: 0, raw: {}})
  assert.deepEqual(config('{"Network":"10.1.0.0/16","Backend":{"Type":"host-gw","Port":1}}').backend, {type: 'host-gw', vni: 0, port: 0, directRouting: false, mtu: 0, raw: {Port: 1}})
})

test('the lab builds every backend up can run, by hand too (its independent reference)', () => {
  // lab up offers RUNNABLE_BACKEND_TYPES; the reference in src/lab must know each of them
  for (const type of RUNNABLE_BACKEND_TYPES) assert.ok((LAB_BACKENDS as readonly string[]).includes(type), `the lab's reference has no ${type}`)
})
