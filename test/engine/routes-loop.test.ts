// The routes' loop's first pass: it starts from the kernel as read while the agent got ready
// (run-loops.ts reads it beside the rules' first pass), without reading it again and without
// the underlay check the start has just made; a device made again at that pass is read anew.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {AgentBackend} from '../../src/backends/backend-module.js'
import type {DataplaneState} from '../../src/core/dataplane-state.js'
import type {RouteEntry} from '../../src/backends/route-kind.js'
import {createRoutesLoop} from '../../src/engine/routes-loop.js'
import {FakeDataplane} from './agent-fakes.js'
import {FakeClock, lease, RecordingLogger} from './fakes.js'

const own = lease('198.18.1.0/24', '192.0.2.11')
const route = (third: number): RouteEntry => ({kind: 'route', dst: {ip: 0xc6120000 + third * 256, prefixLen: 24}, via: 0xc0000200 + third, dev: 'eth0', onlink: false})

function setup(repairs: string[][] = []) {
  const clock = new FakeClock()
  const kernel = new FakeDataplane(clock)
  let checks = 0
  const backend = {
    type: 'host-gw',
    mtu: 1500,
    leaseAttrs: own.attrs,
    details: {},
    activate: async () => {},
    repair: async () => repairs.shift() ?? [],
    desired: () => ({state: [route(2), route(3)], warnings: []}),
    dataplane: kernel,
  } satisfies AgentBackend
  return {clock, kernel, backend, checks: () => checks, check: async () => void checks++}
}

test('the first pass plans from the observation it is given: no second read, no underlay check', async () => {
  const s = setup()
  // what the kernel held when it was read: route 2 already there, a stale route 9 of ours
  const early: DataplaneState = [route(2), route(9)]
  const loop = createRoutesLoop({clock: s.clock, log: new RecordingLogger(), backend: s.backend, ownLease: () => own, peers: () => [], check: s.check, firstObservation: Promise.resolve(early)})
  loop.start()
  await s.clock.advance(0)
  assert.equal(s.kernel.observations, 0, 'the kernel is not read again')
  assert.equal(s.checks(), 0, 'the start read the underlay a moment ago')
  // planned against the early observation: route 2 kept, route 3 added, route 9 deleted
  assert.deepEqual(s.kernel.batches[0]?.ops.map((op) => `${op.verb} ${(op.entry as RouteEntry).dst.ip % 65536 / 256}`), ['replace 3', 'delete 9'])
  await s.clock.advance(30_000) // the full resync reads the kernel and checks the underlay
  assert.equal(s.kernel.observations, 1)
  assert.equal(s.checks(), 1)
  await loop.stop()
})

test('a device made again at the first pass holds nothing: the kernel is read, not the early observation', async () => {
  const s = setup([['flannel.1 was missing: made again']])
  const loop = createRoutesLoop({clock: s.clock, log: new RecordingLogger(), backend: s.backend, ownLease: () => own, peers: () => [], firstObservation: Promise.resolve([route(2), route(3)])})
  loop.start()
  await s.clock.advance(0)
  assert.equal(s.kernel.observations, 1)
  assert.deepEqual(s.kernel.routes(), ['198.18.2.0/24', '198.18.3.0/24'], 'both routes programmed: the early observation said they were there')
  await loop.stop()
})

test('an early observation that failed is read again by the first pass', async () => {
  const s = setup()
  const failed = Promise.reject(new Error('ip: Cannot open netlink socket'))
  failed.catch(() => {}) // as run-loops.ts does: the pass reads the failure
  const loop = createRoutesLoop({clock: s.clock, log: new RecordingLogger(), backend: s.backend, ownLease: () => own, peers: () => [], firstObservation: failed})
  loop.start()
  await s.clock.advance(0)
  assert.equal(s.kernel.observations, 1)
  assert.deepEqual(s.kernel.routes(), ['198.18.2.0/24', '198.18.3.0/24'])
  await loop.stop()
})
