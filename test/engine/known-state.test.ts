import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {DataplaneState} from '../../src/core/dataplane-state.js'
import {plan as planIn} from '../../src/core/plan.js'
import {eventOnly, stateAfter as stateAfterIn} from '../../src/engine/known-state.js'
import {byKind, ROUTING_KINDS} from '../helpers/entries.js'

const plan = (desired: DataplaneState, observed: DataplaneState) => planIn(ROUTING_KINDS, desired, observed)
const stateAfter = (observed: DataplaneState, ops: Parameters<typeof stateAfterIn>[2]) => stateAfterIn(ROUTING_KINDS, observed, ops)

const route = (third: number) => ({kind: 'route' as const, dst: {ip: 0xc6120000 + third * 256, prefixLen: 24}, via: 0xc6120000 + third * 256, dev: 'flannel.1', onlink: true})
const neigh = (third: number) => ({kind: 'neigh' as const, ip: 0xc6120000 + third * 256, lladdr: `0a:00:00:00:00:0${third}`, dev: 'flannel.1', permanent: true})

test('the state after a plan is applied is the desired state: planning again gives nothing', () => {
  const observed: DataplaneState = [route(1), route(2), neigh(1), {...neigh(9), permanent: false}]
  const desired: DataplaneState = [route(2), route(3), neigh(3)]
  const ops = plan(desired, observed)
  const after = stateAfter(observed, ops)
  assert.deepEqual(plan(desired, after), [])
  assert.equal(byKind(after, 'neigh').some((n) => !n.permanent), true, 'entries flanctl does not own stay')
})

test('no ops: the same state object', () => {
  const observed: DataplaneState = [route(1)]
  assert.equal(stateAfter(observed, []), observed)
})

test('only put/delete reasons are event-only', () => {
  assert.equal(eventOnly(['put', 'delete', 'put']), true)
  assert.equal(eventOnly(['put', 'resync']), false)
  assert.equal(eventOnly(['retry']), false)
  assert.equal(eventOnly([]), false)
})
