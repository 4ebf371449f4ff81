// Reading the kernel state flanctl owns into dataplane-state, and nothing else:
//   routes:     main table, IPv4, a gateway, the destination inside the flannel network, on the
//               vxlan device or the external interface, not kernel-made, default metric;
//   neighbours: IPv4 entries on the vxlan device inside the network (permanent ones are ours;
//               others are reported as non-permanent so plan() never deletes them);
//   fdb:        permanent entries with a remote (dst) on the vxlan device, except the all-zero
//               flooding entry.
// Three reads (`ip -j route`, `ip -j neigh`, `bridge -j fdb`) run in parallel, whatever the
// number of leases.
import type {DataplaneState, FdbEntry, NeighEntry, RouteEntry} from '../../core/dataplane-state.js'
import {parseMac} from '../../core/lease-codec.js'
import {ip4NetContains, ip4NetContainsNet, parseIp4, parseIp4Net} from '../../core/ip4.js'
import type {Ip4Net} from '../../core/types.js'
import {runJson} from './run.js'

export interface ObserveOptions {
  /** the vxlan device (flannel.1); undefined for host-gw */
  device?: string
  /** the external interface: direct (DirectRouting) and host-gw routes go out of it */
  externalInterface: string
  /** the flannel network: only routes and neighbours inside it can be flanctl's */
  network: Ip4Net
  netns?: string
}

interface IpRoute {
  dst?: string
  gateway?: string
  dev?: string
  protocol?: string
  type?: string
  metric?: number
  flags?: string[]
  nexthops?: unknown
}

interface IpNeigh {
  dst?: string
  lladdr?: string
  state?: string[]
}

interface BridgeFdb {
  mac?: string
  dst?: string
  state?: string
  flags?: string[]
  master?: string
}

const ZERO_MAC = '00:00:00:00:00:00'
const str = (v: unknown): v is string => typeof v === 'string'
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

export function routesFromJson(rows: readonly IpRoute[], options: ObserveOptions): RouteEntry[] {
  const routes: RouteEntry[] = []
  for (const r of rows) {
    if (typeof r !== 'object' || r === null) continue
    if (!str(r.dst) || r.dst === 'default' || !str(r.gateway) || !str(r.dev)) continue
    if (r.protocol === 'kernel' || (r.type !== undefined && r.type !== 'unicast') || (r.metric ?? 0) !== 0 || r.nexthops !== undefined) continue
    if (r.dev !== options.device && r.dev !== options.externalInterface) continue
    const dst = parseIp4Net(r.dst.includes('/') ? r.dst : `${r.dst}/32`)
    const via = parseIp4(r.gateway)
    if (!dst.ok || via === undefined || !ip4NetContainsNet(options.network, dst.value)) continue
    routes.push({kind: 'route', dst: dst.value, via, dev: r.dev, onlink: list(r.flags).includes('onlink')})
  }
  return routes
}

export function neighsFromJson(rows: readonly IpNeigh[], device: string, network: Ip4Net): NeighEntry[] {
  const neighs: NeighEntry[] = []
  for (const n of rows) {
    if (typeof n !== 'object' || n === null) continue
    const ip = str(n.dst) ? parseIp4(n.dst) : undefined
    if (ip === undefined || !ip4NetContains(network, ip)) continue
    const lladdr = str(n.lladdr) ? (parseMac(n.lladdr) ?? n.lladdr) : ''
    neighs.push({kind: 'neigh', ip, lladdr, dev: device, permanent: list(n.state).includes('PERMANENT')})
  }
  return neighs
}

export function fdbFromJson(rows: readonly BridgeFdb[], device: string): FdbEntry[] {
  const fdb: FdbEntry[] = []
  for (const f of rows) {
    if (typeof f !== 'object' || f === null) continue
    if (f.state !== 'permanent' || f.master !== undefined || !str(f.mac) || !str(f.dst)) continue
    const lladdr = parseMac(f.mac)
    const dst = parseIp4(f.dst)
    if (lladdr === undefined || lladdr === ZERO_MAC || dst === undefined) continue
    fdb.push({kind: 'fdb', lladdr, dst, dev: device})
  }
  return fdb
}

export async function observeDataplane(options: ObserveOptions): Promise<DataplaneState> {
  const {device, netns} = options
  const [routeRows, neighRows, fdbRows] = await Promise.all([
    runJson<IpRoute>('ip', ['-4', 'route', 'show', 'table', 'main'], {netns}),
    device === undefined ? Promise.resolve([]) : runJson<IpNeigh>('ip', ['-4', 'neigh', 'show', 'dev', device], {netns}),
    device === undefined ? Promise.resolve([]) : runJson<BridgeFdb>('bridge', ['fdb', 'show', 'dev', device], {netns}),
  ])
  return {
    routes: routesFromJson(routeRows, options),
    neighs: device === undefined ? [] : neighsFromJson(neighRows, device, options.network),
    fdb: device === undefined ? [] : fdbFromJson(fdbRows, device),
  }
}
