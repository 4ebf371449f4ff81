// plan(desired, observed): the ops that turn the observed kernel state into the desired one.
// Both sides are indexed by identity (entryId), so a pass over 5,000 leases is a few map lookups
// per entry. Replace what is missing or differs; delete what flanctl owns but no longer wants.
// Applying the plan and planning again gives no ops (the verbs are idempotent).
import {entriesEqual, entryId, type DataplaneEntry, type DataplaneState, type Op} from './dataplane-state.js'

/** An observed entry flanctl may delete: a non-permanent neighbour is the kernel's own cache. */
function owned(entry: DataplaneEntry): boolean {
  return entry.kind !== 'neigh' || entry.permanent
}

function index(entries: readonly DataplaneEntry[]): Map<string, DataplaneEntry> {
  const byId = new Map<string, DataplaneEntry>()
  // The first entry of an identity wins: two leases wanting one key cannot both be programmed.
  for (const entry of entries) {
    const id = entryId(entry)
    if (!byId.has(id)) byId.set(id, entry)
  }
  return byId
}

/** Replaces for what is missing or differs, deletes for what is owned and unwanted: one kind of entry. */
function diff(desired: readonly DataplaneEntry[], observed: readonly DataplaneEntry[]): {replace: Op[]; delete: Op[]} {
  const want = index(desired)
  const have = index(observed)
  const replace: Op[] = []
  const remove: Op[] = []
  for (const [id, entry] of want) {
    const current = have.get(id)
    if (current === undefined || !entriesEqual(current, entry)) replace.push({verb: 'replace', entry})
  }
  for (const [id, entry] of have) {
    if (!want.has(id) && owned(entry)) remove.push({verb: 'delete', entry})
  }
  return {replace, delete: remove}
}

/**
 * Ops in the order they are safe to run: fdb and neighbour before the route that uses them (as
 * flannel adds them), and on removal the route before its neighbour and fdb entry.
 */
export function plan(desired: DataplaneState, observed: DataplaneState): Op[] {
  const fdb = diff(desired.fdb, observed.fdb)
  const neighs = diff(desired.neighs, observed.neighs)
  const routes = diff(desired.routes, observed.routes)
  return [...fdb.replace, ...neighs.replace, ...routes.replace, ...routes.delete, ...neighs.delete, ...fdb.delete]
}

/** Counts for a log line: "pass applied 3 changes (3 replace, 0 delete)". */
export function countOps(ops: readonly Op[]): {replace: number; delete: number} {
  let replace = 0
  for (const op of ops) if (op.verb === 'replace') replace++
  return {replace, delete: ops.length - replace}
}
