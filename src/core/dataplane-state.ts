// The kernel state flanctl owns, as plain data: routes, neighbours (ARP) and vxlan fdb entries.
// Desired state comes from the backends (backend-vxlan, backend-host-gw), observed state from the
// iproute2 adapter; plan() compares them by each entry's identity. IPv4 addresses are uint32
// numbers (cheap maps for 5,000 leases); MAC addresses are lower-case "aa:bb:cc:dd:ee:ff".
import {formatIp4, formatIp4Net} from './ip4.js'
import type {Ip4Net} from './types.js'

/** `ip route replace <dst> via <via> dev <dev> [onlink]` in the main table. */
export interface RouteEntry {
  kind: 'route'
  dst: Ip4Net
  via: number
  dev: string
  onlink: boolean
}

/** `ip neigh replace <ip> lladdr <lladdr> dev <dev> nud permanent` */
export interface NeighEntry {
  kind: 'neigh'
  ip: number
  lladdr: string
  dev: string
  /** desired entries are always permanent; an observed non-permanent one is the kernel's cache, never deleted */
  permanent: boolean
}

/** `bridge fdb replace <lladdr> dev <dev> dst <dst> self permanent` */
export interface FdbEntry {
  kind: 'fdb'
  lladdr: string
  dst: number
  dev: string
}

export type DataplaneEntry = RouteEntry | NeighEntry | FdbEntry

export interface DataplaneState {
  routes: RouteEntry[]
  neighs: NeighEntry[]
  fdb: FdbEntry[]
}

export type OpVerb = 'replace' | 'delete'

/** One idempotent change: `replace` creates or overwrites, `delete` of an absent entry is success. */
export interface Op {
  verb: OpVerb
  entry: DataplaneEntry
}

/** What a backend wants programmed, plus the leases it had to skip (one message each, for the log). */
export interface DesiredState {
  state: DataplaneState
  warnings: string[]
}

/**
 * The kernel side as the reconcile loop sees it. observe() reads only what flanctl owns;
 * apply() runs all ops of a pass in one batch per tool and rejects (FlanctlError E_SYSTEM) when
 * any op did not take effect. Implemented by src/adapters/iproute2 (createIproute2Dataplane);
 * engine tests use a fake.
 */
export interface Dataplane {
  observe(): Promise<DataplaneState>
  apply(ops: readonly Op[]): Promise<void>
}

export function emptyDataplaneState(): DataplaneState {
  return {routes: [], neighs: [], fdb: []}
}

/**
 * The stable identity of an entry: at most one entry per identity can exist in the kernel.
 * A route is keyed by its destination (one route per prefix in the main table), a neighbour by
 * device and address, an fdb entry by device and MAC (flannel keeps one remote per VTEP MAC).
 * Addresses appear as their uint32 numbers (cheap to build for 15,000 entries a pass):
 * "route 3323068160/24", "neigh flannel.1 3323068160", "fdb flannel.1 0a:00:00:00:00:07".
 */
export function entryId(entry: DataplaneEntry): string {
  switch (entry.kind) {
    case 'route':
      return `route ${entry.dst.ip}/${entry.dst.prefixLen}`
    case 'neigh':
      return `neigh ${entry.dev} ${entry.ip}`
    case 'fdb':
      return `fdb ${entry.dev} ${entry.lladdr}`
  }
}

/** true when both entries would program the same kernel state. */
export function entriesEqual(a: DataplaneEntry, b: DataplaneEntry): boolean {
  switch (a.kind) {
    case 'route':
      return (
        b.kind === 'route' &&
        a.dst.ip === b.dst.ip &&
        a.dst.prefixLen === b.dst.prefixLen &&
        a.via === b.via &&
        a.dev === b.dev &&
        a.onlink === b.onlink
      )
    case 'neigh':
      return b.kind === 'neigh' && a.ip === b.ip && a.lladdr === b.lladdr && a.dev === b.dev && a.permanent === b.permanent
    case 'fdb':
      return b.kind === 'fdb' && a.lladdr === b.lladdr && a.dst === b.dst && a.dev === b.dev
  }
}

/** iproute2-like text for logs and messages: "route 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink". */
export function formatEntry(entry: DataplaneEntry): string {
  switch (entry.kind) {
    case 'route':
      return `route ${formatIp4Net(entry.dst)} via ${formatIp4(entry.via)} dev ${entry.dev}${entry.onlink ? ' onlink' : ''}`
    case 'neigh':
      return `neigh ${formatIp4(entry.ip)} lladdr ${entry.lladdr} dev ${entry.dev}${entry.permanent ? ' nud permanent' : ''}`
    case 'fdb':
      return `fdb ${entry.lladdr} dev ${entry.dev} dst ${formatIp4(entry.dst)}`
  }
}

export function formatOp(op: Op): string {
  return `${op.verb} ${formatEntry(op.entry)}`
}
