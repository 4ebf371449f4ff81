// The agent's checks of the host around the lease: an external interface inside the flannel
// Network is refused, and a new subnet (the old one taken meanwhile) says docker must restart.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {FlanctlError} from '../../src/core/errors.js'
import {runAgent} from '../../src/engine/agent.js'
import {ETH0, harness} from './agent-fakes.js'
import {lease} from './fakes.js'

test('an external interface whose address is inside the flannel Network is refused (E_USAGE), naming it and the flags', async () => {
  const h = harness({ifaces: ['eth0']})
  h.store.config = '{"Network":"192.0.0.0/16","Backend":{"Type":"vxlan"}}' // eth0 is 192.0.2.11
  await assert.rejects(runAgent(h.options, h.deps), (error: unknown) => {
    assert.ok(error instanceof FlanctlError)
    assert.equal(error.code, 'E_USAGE')
    assert.match(error.message, /the address 192\.0\.2\.11 of interface eth0 is inside the flannel Network 192\.0\.0\.0\/16/)
    assert.match(error.hint ?? '', /--iface or --iface-regex/)
    return true
  })
  assert.equal(h.store.leases.size, 0, 'no lease taken')
})

test('the previous subnet taken by another host: a new one, and the log says docker needs the new --bip', async () => {
  const h = harness()
  h.files.set('/run/flannel/subnet.env', 'FLANNEL_NETWORK=198.18.0.0/16\nFLANNEL_SUBNET=198.18.42.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n')
  h.store.put(lease('198.18.42.0/24', '192.0.2.99'))
  const run = runAgent(h.options, h.deps)
  await h.clock.advance(0)
  const changed = h.log.find('subnet changed')
  assert.equal(changed.length, 1)
  assert.equal(changed[0].fields.previous, '198.18.42.0/24')
  assert.equal(changed[0].fields.subnet, '198.18.1.0/24')
  assert.match(String(changed[0].fields.detail), /restart docker with the new --bip=198\.18\.1\.1\/24/)
  h.controller.abort()
  await run
})

test('the same subnet again: no such line', async () => {
  const h = harness()
  h.files.set('/run/flannel/subnet.env', 'FLANNEL_NETWORK=198.18.0.0/16\nFLANNEL_SUBNET=198.18.42.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n')
  const run = runAgent(h.options, h.deps)
  await h.clock.advance(0)
  assert.equal(h.log.find('subnet changed').length, 0)
  h.controller.abort()
  await run
})

test('an underlay MTU change is noticed by the full resync: one warning saying what to restart, degraded until it is back', async () => {
  const h = harness()
  let mtu = 1500
  h.deps.listInterfaces = async () => [{...ETH0, mtu}]
  const run = runAgent(h.options, h.deps)
  await h.clock.advance(0)
  mtu = 9000
  await h.clock.advance(29_999)
  assert.equal(h.log.find('underlay changed').length, 0, 'the 5 s checks look at the device only')
  await h.clock.advance(1)
  const warned = h.log.find('underlay changed')
  assert.equal(warned.length, 1)
  assert.match(String(warned[0].fields.detail), /the MTU of eth0 changed from 1500 to 9000: flanctl keeps the overlay MTU 1450 .*restart flanctl up to follow it, then restart docker/)
  assert.deepEqual(h.degraded.at(-1), ['underlay-changed'])
  await h.clock.advance(30_000)
  assert.equal(h.log.find('underlay changed').length, 1, 'said once')
  mtu = 1500
  await h.clock.advance(30_000)
  assert.deepEqual(h.degraded.at(-1), [])
  h.controller.abort()
  await run
})

test('a lost create race is logged at debug level; the next free subnet is taken', async () => {
  const h = harness()
  const create = h.store.createLease.bind(h.store)
  let raced = false
  h.store.createLease = async (subnet, attrs, ttl) => {
    if (!raced) {
      raced = true
      h.store.put(lease('198.18.1.0/24', '192.0.2.66'))
      return {created: false}
    }
    return create(subnet, attrs, ttl)
  }
  const run = runAgent(h.options, h.deps)
  await h.clock.advance(0)
  const lines = h.log.find('acquiring a lease')
  assert.equal(lines.length, 1)
  assert.equal(lines[0].level, 'debug')
  assert.match(String(lines[0].fields.detail), /subnet 198\.18\.1\.0\/24 was taken by another host meanwhile; choosing again/)
  assert.equal(h.log.find('lease acquired')[0].fields.subnet, '198.18.2.0/24')
  h.controller.abort()
  await run
})

test('host-gw: a peer off our L2 segment is skipped with one warning naming it, and the agent is degraded, not silently ready', async () => {
  const h = harness()
  h.store.config = '{"Network":"198.18.0.0/16","Backend":{"Type":"host-gw"}}'
  h.store.put(lease('198.18.2.0/24', '192.0.2.12', {backendType: 'host-gw'}))
  h.store.put(lease('198.18.3.0/24', '10.9.9.9', {backendType: 'host-gw'}))
  const run = runAgent(h.options, h.deps)
  await h.clock.advance(0)
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  const skipped = h.log.find('skipping lease')
  assert.equal(skipped.length, 1)
  assert.match(String(skipped[0].fields.detail), /host-gw peer 10\.9\.9\.9 is not on eth0's subnet \(192\.0\.2\.0\/24\).*use the vxlan backend/)
  assert.deepEqual(h.degraded.at(-1), ['unreachable-peers'])
  h.store.delete(`${'/coreos.com/network'}/subnets/198.18.3.0-24`)
  await h.clock.advance(200)
  assert.deepEqual(h.degraded.at(-1), [], 'that peer gone: not degraded any more')
  await h.clock.advance(60_000)
  assert.equal(h.log.find('skipping lease').length, 1, 'said once')
  h.controller.abort()
  await run
})
