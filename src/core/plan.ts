// plan(kinds, desired, observed): the ops that turn the observed kernel state into the desired
// one. Both sides are indexed by identity (each kind's id), so a pass over 5,000 leases is a few
// map lookups per entry. Replace what is missing or differs; delete what flanctl owns but no
// longer wants. Applying the plan and planning again gives no ops (the verbs are idempotent).
import {kindOf, type DataplaneState, type EntryKind, type EntryKinds, type KernelEntry, type Op} from './dataplane-state.js'

interface Indexed {
  kind: EntryKind
  entry: KernelEntry
}

function index(kinds: EntryKinds, entries: DataplaneState): Map<string, Indexed> {
  const byId = new Map<string, Indexed>()
  // The first entry of an identity wins: two leases wanting one key cannot both be programmed.
  for (const entry of entries) {
    const kind = kindOf(kinds, entry)
    const id = kind.id(entry)
    if (!byId.has(id)) byId.set(id, {kind, entry})
  }
  return byId
}

/**
 * Ops in the order they are safe to run: replaces by rising rank (fdb and neighbour before the
 * route that uses them, as flannel adds them), then deletes by falling rank (the route before
 * its neighbour and fdb entry).
 */
export function plan(kinds: EntryKinds, desired: DataplaneState, observed: DataplaneState): Op[] {
  const want = index(kinds, desired)
  const have = index(kinds, observed)
  const replace: Array<{rank: number; op: Op}> = []
  const remove: Array<{rank: number; op: Op}> = []
  for (const [id, {kind, entry}] of want) {
    const current = have.get(id)
    if (current === undefined || !kind.equal(current.entry, entry)) replace.push({rank: kind.rank, op: {verb: 'replace', entry}})
  }
  for (const [id, {kind, entry}] of have) {
    if (!want.has(id) && (kind.deletable?.(entry) ?? true)) remove.push({rank: kind.rank, op: {verb: 'delete', entry}})
  }
  // stable sorts: within a kind, the order of the desired (or observed) state is kept
  replace.sort((a, b) => a.rank - b.rank)
  remove.sort((a, b) => b.rank - a.rank)
  return [...replace, ...remove].map((r) => r.op)
}

/** Counts for a log line: "pass applied 3 changes (3 replace, 0 delete)". */
export function countOps(ops: readonly Op[]): {replace: number; delete: number} {
  let replace = 0
  for (const op of ops) if (op.verb === 'replace') replace++
  return {replace, delete: ops.length - replace}
}
