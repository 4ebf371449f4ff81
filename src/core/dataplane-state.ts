// The kernel state flanctl owns, as plain data, generic over the kinds of entry a backend
// programs (vxlan: routes, neighbours, fdb entries; host-gw: routes). Each kind says what makes
// an entry unique (at most one entry per identity can exist in the kernel), when two entries
// program the same state, and where it goes in a pass (entries a route depends on are added
// before it and removed after it). Desired state comes from a backend, observed state from that
// backend's kernel port; plan() compares them. The kinds themselves live with their backends
// (src/backends); core only knows their shape.

/** One kernel object; `kind` names its EntryKind. */
export interface KernelEntry {
  readonly kind: string
}

export interface EntryKind<E extends KernelEntry = KernelEntry> {
  readonly name: E['kind']
  /** lower ranks are replaced first and deleted last (an fdb entry before the route that needs it) */
  readonly rank: number
  /** unique per kernel object of this kind, e.g. "route 3323068160/24" */
  id(entry: E): string
  /** true when both would program the same kernel state */
  equal(a: E, b: E): boolean
  /** an observed entry plan may delete; default: all that observe reports */
  deletable?(entry: E): boolean
  /** iproute2-like text for logs: "route 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink" */
  format(entry: E): string
}

/** The kinds of one backend, looked up by name. */
export type EntryKinds = ReadonlyMap<string, EntryKind>

export function entryKinds(kinds: readonly EntryKind[]): EntryKinds {
  return new Map(kinds.map((kind) => [kind.name, kind]))
}

export type DataplaneState = readonly KernelEntry[]

export type OpVerb = 'replace' | 'delete'

/** One idempotent change: `replace` creates or overwrites, `delete` of an absent entry is success. */
export interface Op<E extends KernelEntry = KernelEntry> {
  verb: OpVerb
  entry: E
}

/** What a backend wants programmed, plus the leases it had to skip (one message each, for the log). */
export interface DesiredState {
  state: DataplaneState
  warnings: string[]
  /** why the host is degraded while this state holds (a peer it cannot reach); absent: not */
  degraded?: string[]
}

/**
 * The kernel side as the reconcile loop sees it. observe() reads only what flanctl owns;
 * apply() runs all ops of a pass in one batch per tool and rejects (FlanctlError E_SYSTEM) when
 * any op did not take effect. Each backend builds its own; engine tests use a fake.
 */
export interface Dataplane {
  readonly kinds: EntryKinds
  observe(): Promise<DataplaneState>
  apply(ops: readonly Op[]): Promise<void>
  /** the commands apply() runs for one op, as a person would type them (diagnose's fixes) */
  commands?(op: Op): string[]
}

export function kindOf(kinds: EntryKinds, entry: KernelEntry): EntryKind {
  const kind = kinds.get(entry.kind)
  if (kind === undefined) throw new Error(`no entry kind ${JSON.stringify(entry.kind)} (known: ${[...kinds.keys()].join(', ')})`)
  return kind
}

export function entryId(kinds: EntryKinds, entry: KernelEntry): string {
  return kindOf(kinds, entry).id(entry)
}

export function formatEntry(kinds: EntryKinds, entry: KernelEntry): string {
  return kindOf(kinds, entry).format(entry)
}

export function formatOp(kinds: EntryKinds, op: Op): string {
  return `${op.verb} ${formatEntry(kinds, op.entry)}`
}
