// What the kernel holds after a pass's ops all took effect, computed instead of read back. A pass
// triggered only by lease events starts from this (no `ip route/neigh`, `bridge fdb` reads: half
// the event-to-route latency, much more with thousands of leases); the periodic resync, retries
// and relists read the kernel for real, so an entry changed by hand is still repaired.
import {entryId, type DataplaneEntry, type DataplaneState, type Op} from '../core/dataplane-state.js'

export function stateAfter(observed: DataplaneState, ops: readonly Op[]): DataplaneState {
  if (ops.length === 0) return observed
  const byId = new Map<string, DataplaneEntry>()
  for (const entry of [...observed.routes, ...observed.neighs, ...observed.fdb]) byId.set(entryId(entry), entry)
  for (const op of ops) {
    if (op.verb === 'replace') byId.set(entryId(op.entry), op.entry)
    else byId.delete(entryId(op.entry))
  }
  const state: DataplaneState = {routes: [], neighs: [], fdb: []}
  for (const entry of byId.values()) {
    if (entry.kind === 'route') state.routes.push(entry)
    else if (entry.kind === 'neigh') state.neighs.push(entry)
    else state.fdb.push(entry)
  }
  return state
}

/** Reasons that come from lease events only: the last known state can stand in for a read. */
export function eventOnly(reasons: readonly string[]): boolean {
  return reasons.length > 0 && reasons.every((reason) => reason === 'put' || reason === 'delete')
}
