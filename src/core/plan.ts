// plan(kinds, desired, observed): the ops that turn the observed kernel state into the desired
// one. Both sides are indexed by identity (each kind's id), so a pass over 5,000 leases is a few
// map lookups per entry. Replace what is missing or differs; delete what flanctl owns but no
// longer wants. Applying the plan and planning again gives no ops (the verbs are idempotent).
import {kindOf, type DataplaneState, type EntryKinds, type KernelEntry, type Op} from './dataplane-state.js'

/** Entries by identity; the first entry of an identity wins: two leases wanting one key cannot both be programmed. */
function index(kinds: EntryKinds, entries: DataplaneState): Map<string, KernelEntry> {
  const byId = new Map<string, KernelEntry>()
  for (const entry of entries) {
    const id = kindOf(kinds, entry).id(entry)
    if (!byId.has(id)) byId.set(id, entry)
  }
  return byId
}

/** Ops grouped by their kind's rank, each group in the order the ops were added. */
class RankedOps {
  private readonly byRank = new Map<number, Op[]>()

  add(rank: number, op: Op): void {
    const group = this.byRank.get(rank)
    if (group === undefined) this.byRank.set(rank, [op])
    else group.push(op)
  }

  /** rising ranks, or falling ones */
  ordered(rising: boolean): Op[] {
    const ranks = [...this.byRank.keys()].sort((a, b) => (rising ? a - b : b - a))
    return ranks.flatMap((rank) => this.byRank.get(rank)!)
  }
}

/**
 * Ops in the order they are safe to run: replaces by rising rank (fdb and neighbour before the
 * route that uses them, as flannel adds them), then deletes by falling rank (the route before
 * its neighbour and fdb entry). Within a kind, the order of the desired (or observed) state is
 * kept. Grouped, not sorted: a pass over 5,000 leases makes one op object per change.
 */
export function plan(kinds: EntryKinds, desired: DataplaneState, observed: DataplaneState): Op[] {
  const want = index(kinds, desired)
  const have = index(kinds, observed)
  const replace = new RankedOps()
  const remove = new RankedOps()
  for (const [id, entry] of want) {
    const kind = kindOf(kinds, entry)
    const current = have.get(id)
    if (current === undefined || !kind.equal(current, entry)) replace.add(kind.rank, {verb: 'replace', entry})
  }
  for (const [id, entry] of have) {
    const kind = kindOf(kinds, entry)
    if (!want.has(id) && (kind.deletable?.(entry) ?? true)) remove.add(kind.rank, {verb: 'delete', entry})
  }
  const ops = replace.ordered(true)
  for (const op of remove.ordered(false)) ops.push(op)
  return ops
}

/** Counts for a log line: "pass applied 3 changes (3 replace, 0 delete)". */
export function countOps(ops: readonly Op[]): {replace: number; delete: number} {
  let replace = 0
  for (const op of ops) if (op.verb === 'replace') replace++
  return {replace, delete: ops.length - replace}
}
