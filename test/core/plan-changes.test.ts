// planChanges (a pass from lease events: only what changed since the last pass) gives the ops
// plan() gives for the whole state, for any change of any number of leases (fuzzed).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {plan} from '../../src/core/plan.js'
import {planChanges} from '../../src/core/plan-changes.js'
import {formatOp, type KernelEntry} from '../../src/core/dataplane-state.js'
import {vxlanDesired} from '../../src/backends/vxlan/desired.js'
import {indexById, applyToKnown} from '../../src/engine/known-state.js'
import {ROUTING_KINDS} from '../helpers/entries.js'
import type {Lease} from '../../src/core/types.js'

const BASE = 0xc6120000 // 198.18.0.0
function lease(i: number, generation: number, publicIp = `203.0.113.${10 + i}`): Lease {
  return {
    key: `/coreos.com/network/subnets/198.18.${i}.0-24`,
    subnet: {ip: BASE + i * 256, prefixLen: 24},
    attrs: {publicIp, publicIpv6: null, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: `0a:00:00:00:${i.toString(16).padStart(2, '0')}:${(generation & 255).toString(16).padStart(2, '0')}`}},
    reservation: false,
  }
}
const desiredOf = (leases: Lease[]) => vxlanDesired({ownLease: {subnet: {ip: BASE, prefixLen: 24}}, leases, device: 'flannel.1', directRouting: false, externalInterface: 'eth0'}).state
const text = (ops: ReturnType<typeof plan>) => ops.map((op) => formatOp(ROUTING_KINDS, op))

test('an unchanged lease gives the very same entry objects pass after pass', () => {
  const leases = [lease(1, 0), lease(2, 0)]
  const a = desiredOf(leases)
  const b = desiredOf([leases[0]!, lease(2, 1)])
  assert.equal(b.filter((e) => a.includes(e)).length, 3, "lease 1's fdb, neighbour and route are the same objects")
})

test('planChanges equals plan over the whole state, for any changes (fuzz)', () => {
  const change = fc.record({index: fc.integer({min: 1, max: 12}), what: fc.constantFrom('add', 'delete', 'mac', 'ip')})
  fc.assert(
    fc.property(fc.array(change, {minLength: 0, maxLength: 8}), (changes) => {
      const leases = new Map<number, Lease>()
      for (let i = 1; i <= 8; i++) leases.set(i, lease(i, 0))
      const first = desiredOf([...leases.values()])
      const known = indexById(ROUTING_KINDS, first)
      const observed: KernelEntry[] = [...first]
      let generation = 1
      for (const c of changes) {
        if (c.what === 'delete') leases.delete(c.index)
        else if (c.what === 'add' || c.what === 'mac') leases.set(c.index, lease(c.index, generation++))
        else leases.set(c.index, lease(c.index, 0, `203.0.113.${100 + generation++}`))
      }
      const desired = desiredOf([...leases.values()])
      const full = plan(ROUTING_KINDS, desired, observed)
      const changed = planChanges(ROUTING_KINDS, desired, new Set(first), known)
      assert.deepEqual(text(changed.ops), text(full))
      applyToKnown(ROUTING_KINDS, known, changed.ops)
      assert.deepEqual(plan(ROUTING_KINDS, desired, [...known.values()]), [], 'the known state after the ops is the desired state')
    }),
  )
})
