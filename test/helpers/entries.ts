// Kernel entries in tests: the kinds vxlan and host-gw program, and views of a flat state.
import {entryKinds, formatEntry, type DataplaneState, type KernelEntry} from '../../src/core/dataplane-state.js'
import {routeKind, type RouteEntry} from '../../src/backends/route-kind.js'
import {fdbKind, type FdbEntry} from '../../src/backends/vxlan/fdb-kind.js'
import {neighKind, type NeighEntry} from '../../src/backends/vxlan/neigh-kind.js'

/** route, neigh and fdb: every kind the routing backends program */
export const ROUTING_KINDS = entryKinds([fdbKind, neighKind, routeKind])

interface ByKind {
  route: RouteEntry
  neigh: NeighEntry
  fdb: FdbEntry
}

export function byKind<K extends keyof ByKind>(state: DataplaneState, kind: K): ByKind[K][] {
  return state.filter((entry: KernelEntry) => entry.kind === kind) as ByKind[K][]
}

/** iproute2-like lines, fdb then neighbours then routes (each kind in the state's order) */
export function entryLines(state: DataplaneState): string[] {
  return (['fdb', 'neigh', 'route'] as const).flatMap((kind) => byKind(state, kind).map((entry) => formatEntry(ROUTING_KINDS, entry)))
}

export function formatOf(entry: KernelEntry): string {
  return formatEntry(ROUTING_KINDS, entry)
}

/** any entry the routing backends program */
export type RoutingEntry = RouteEntry | NeighEntry | FdbEntry
