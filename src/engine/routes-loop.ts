// The routes' reconcile loop (level-triggered). Three kinds of pass, by what asked for it:
//   - lease events only (put/delete): desired from the full peer set against the state the last
//     pass left (no kernel reads);
//   - the frequent check (every 5 s): the device is repaired if it needs it (one read); nothing
//     else is read or computed unless that found something to fix;
//   - everything else (start, the slower full resync every 30 s, a relist, a retry after a
//     failure): the caller's check (the underlay), device, then observe (only what flanctl
//     owns), desired, plan, apply. The first pass takes the kernel as read while the agent got
//     ready (the rules' first pass, subnet.env), and no underlay check: the start just read it.
// Under sustained churn passes are spaced further apart (reconcile-loop.ts: busy), so that each
// takes every change since the last: an `ip`/`bridge` run costs more than planning a change.
// All ops of a pass go in one batch per tool.
import type {Logger} from '../adapters/log/logger.js'
import type {AgentBackend} from '../backends/backend-module.js'
import type {DataplaneState, KernelEntry, Op} from '../core/dataplane-state.js'
import {countOps, plan} from '../core/plan.js'
import {planChanges} from '../core/plan-changes.js'
import type {Lease} from '../core/types.js'
import type {Clock} from './clock.js'
import {applyToKnown, eventOnly, indexById} from './known-state.js'
import {createReconcileLoop, type ReconcileLoop} from './reconcile-loop.js'

/** the full pass without events: observe everything flanctl owns */
export const DEFAULT_FULL_RESYNC_MS = 30_000
/** the light check: the device */
export const DEFAULT_CHECK_MS = 5_000
/** more lease events than this in the last second is sustained churn... */
const BUSY_EVENTS_PER_SECOND = 5
/** ...and passes then start at most this often (the first change after a quiet time still goes at once) */
const BUSY_PASS_INTERVAL_MS = 500

export interface RoutesLoopInput {
  clock: Clock
  log: Logger
  backend: AgentBackend
  ownLease: () => Lease
  peers: () => readonly Lease[]
  /** the full resync; default 30 s */
  resyncIntervalMs?: number
  /** the light check; default 5 s */
  checkIntervalMs?: number
  minPassIntervalMs?: number
  /** run by each full pass but the first (not the 5 s check, not event passes): the underlay's MTU */
  check?: () => Promise<void>
  /** the kernel as read while the agent was getting ready: the first pass takes it instead of reading again */
  firstObservation?: Promise<DataplaneState>
  /** the desired state's degraded reasons (a peer host-gw cannot reach), set or cleared at every pass */
  onDegraded?: (reasons: readonly string[]) => void
}

export function createRoutesLoop(input: RoutesLoopInput): ReconcileLoop {
  const {backend, log} = input
  const {kinds} = backend.dataplane
  const seenWarnings = new Set<string>()
  // after a pass whose ops all took effect: the kernel by identity, and the desired entries it programmed
  let known: {byId: Map<string, KernelEntry>; desired: ReadonlySet<KernelEntry>} | undefined
  let firstObservation = input.firstObservation

  /** the device; true when something had to be fixed */
  const repair = async (): Promise<boolean> => {
    if (backend.repair === undefined) return false
    const fixed = await backend.repair(input.ownLease())
    for (const detail of fixed) log.warn('device repaired', {loop: 'routes', detail})
    return fixed.length > 0
  }

  return createReconcileLoop({
    name: 'routes',
    clock: input.clock,
    log,
    minIntervalMs: input.minPassIntervalMs,
    busy: {eventsPerSecond: BUSY_EVENTS_PER_SECOND, minIntervalMs: BUSY_PASS_INTERVAL_MS},
    resyncIntervalMs: input.resyncIntervalMs ?? DEFAULT_FULL_RESYNC_MS,
    checkIntervalMs: input.checkIntervalMs ?? DEFAULT_CHECK_MS,
    reconcile: async (reasons) => {
      const checking = reasons.includes('check')
      const events = reasons.filter((reason) => reason !== 'check')
      let fromKnown = known !== undefined && (events.length === 0 || eventOnly(events))
      // the start read the underlay a moment ago
      const first = firstObservation
      firstObservation = undefined
      if (!fromKnown && first === undefined) await input.check?.()
      // a device made again holds none of the entries: read the kernel, never trust `known` (nor the first observation)
      let repaired = false
      if ((checking || !fromKnown) && (await repair())) (fromKnown = false), (repaired = true)
      if (fromKnown && events.length === 0) return {changes: 0}
      const base = fromKnown ? known! : undefined
      const early = first === undefined || repaired ? undefined : await first.catch(() => undefined)
      const observed = base === undefined ? (early ?? (await backend.dataplane.observe())) : undefined
      known = undefined // unknown until this pass's ops have all taken effect
      // desired after observe: leases that arrived meanwhile are included
      const desired = backend.desired(input.ownLease(), input.peers())
      for (const warning of desired.warnings) {
        if (seenWarnings.has(warning)) continue
        seenWarnings.add(warning)
        log.warn('skipping lease', {detail: warning})
      }
      input.onDegraded?.(desired.degraded ?? [])
      let ops: Op[]
      let programmed: ReadonlySet<KernelEntry>
      let byId: Map<string, KernelEntry>
      if (base !== undefined) {
        // lease events: only what changed since the last pass
        ;({ops, desired: programmed} = planChanges(kinds, desired.state, base.desired, base.byId))
        byId = base.byId
      } else {
        ops = plan(kinds, desired.state, observed!)
        programmed = new Set(desired.state)
        byId = indexById(kinds, observed!)
      }
      if (ops.length > 0) await backend.dataplane.apply(ops)
      applyToKnown(kinds, byId, ops)
      known = {byId, desired: programmed}
      return {changes: ops.length, fields: countOps(ops)}
    },
  })
}
