// The routes' reconcile loop (level-triggered): a pass computes the backend's desired state from
// the full peer set, observes the kernel (only what flanctl owns; an event-only pass starts from
// the state the last pass left), plans, and applies all ops in one batch per tool.
import type {Logger} from '../adapters/log/logger.js'
import type {AgentBackend} from '../backends/backend-module.js'
import type {DataplaneState} from '../core/dataplane-state.js'
import {countOps, plan} from '../core/plan.js'
import type {Lease} from '../core/types.js'
import type {Clock} from './clock.js'
import {eventOnly, stateAfter} from './known-state.js'
import {createReconcileLoop, type ReconcileLoop} from './reconcile-loop.js'

export interface RoutesLoopInput {
  clock: Clock
  log: Logger
  backend: AgentBackend
  ownLease: () => Lease
  peers: () => readonly Lease[]
  resyncIntervalMs?: number
  minPassIntervalMs?: number
}

export function createRoutesLoop(input: RoutesLoopInput): ReconcileLoop {
  const {backend, log} = input
  const {kinds} = backend.dataplane
  const seenWarnings = new Set<string>()
  let known: DataplaneState | undefined
  return createReconcileLoop({
    name: 'routes',
    clock: input.clock,
    log,
    minIntervalMs: input.minPassIntervalMs,
    resyncIntervalMs: input.resyncIntervalMs ?? 5000,
    reconcile: async (reasons) => {
      const fromEvents = known !== undefined && eventOnly(reasons)
      if (!fromEvents && backend.repair !== undefined) {
        const fixed = await backend.repair(input.ownLease())
        // a device made again holds none of the entries: read the kernel, never trust `known`
        for (const detail of fixed) log.warn('device repaired', {loop: 'routes', detail})
      }
      const observed = fromEvents ? known! : await backend.dataplane.observe()
      known = undefined // unknown until this pass's ops have all taken effect
      // desired after observe: leases that arrived meanwhile are included
      const desired = backend.desired(input.ownLease(), input.peers())
      for (const warning of desired.warnings) {
        if (seenWarnings.has(warning)) continue
        seenWarnings.add(warning)
        log.warn('skipping lease', {detail: warning})
      }
      const ops = plan(kinds, desired.state, observed)
      if (ops.length > 0) await backend.dataplane.apply(ops)
      known = stateAfter(kinds, observed, ops)
      return {changes: ops.length, fields: countOps(ops)}
    },
  })
}
