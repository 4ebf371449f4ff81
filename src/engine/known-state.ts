// What the kernel holds after a pass's ops all took effect, computed instead of read back, by
// identity. A pass triggered only by lease events starts from this (no kernel reads: half the
// event-to-route latency, much more with thousands of leases); the full resync, retries and
// relists read the kernel for real, so an entry changed by hand is still repaired.
import {entryId, type DataplaneState, type EntryKinds, type KernelEntry, type Op} from '../core/dataplane-state.js'

export function indexById(kinds: EntryKinds, state: DataplaneState): Map<string, KernelEntry> {
  const byId = new Map<string, KernelEntry>()
  for (const entry of state) byId.set(entryId(kinds, entry), entry)
  return byId
}

/** Applies the ops to the known state, in place. */
export function applyToKnown(kinds: EntryKinds, known: Map<string, KernelEntry>, ops: readonly Op[]): void {
  for (const op of ops) {
    if (op.verb === 'replace') known.set(entryId(kinds, op.entry), op.entry)
    else known.delete(entryId(kinds, op.entry))
  }
}

export function stateAfter(kinds: EntryKinds, observed: DataplaneState, ops: readonly Op[]): DataplaneState {
  if (ops.length === 0) return observed
  const byId = indexById(kinds, observed)
  applyToKnown(kinds, byId, ops)
  return [...byId.values()]
}

/** Reasons that come from lease events only: the last known state can stand in for a read. */
export function eventOnly(reasons: readonly string[]): boolean {
  return reasons.length > 0 && reasons.every((reason) => reason === 'put' || reason === 'delete')
}
