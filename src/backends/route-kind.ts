// Routes: the one kind of kernel entry every routing backend programs (vxlan's
// `<subnet> via <subnet>.0 dev flannel.1 onlink`, host-gw's and DirectRouting's
// `<subnet> via <PublicIP> dev <external interface>`). Identity is the destination: the main
// table holds one route per prefix. Observed through `ip -j route` (only routes flanctl could
// have made: inside the network, with a gateway, on our devices, default metric).
import type {EntryKind, Op} from '../core/dataplane-state.js'
import {formatIp4, formatIp4Net, ip4NetContainsNet, parseIp4, parseIp4Net} from '../core/ip4.js'
import type {Ip4Net} from '../core/types.js'
import {runJson} from '../adapters/iproute2/run.js'
import type {Iproute2Kind} from './iproute2-dataplane.js'

/** `ip route replace <dst> via <via> dev <dev> [onlink]` in the main table. */
export interface RouteEntry {
  kind: 'route'
  dst: Ip4Net
  via: number
  dev: string
  onlink: boolean
}

export const routeKind: EntryKind<RouteEntry> = {
  name: 'route',
  rank: 2,
  id: (e) => `route ${e.dst.ip}/${e.dst.prefixLen}`,
  equal: (a, b) => a.dst.ip === b.dst.ip && a.dst.prefixLen === b.dst.prefixLen && a.via === b.via && a.dev === b.dev && a.onlink === b.onlink,
  format: (e) => `route ${formatIp4Net(e.dst)} via ${formatIp4(e.via)} dev ${e.dev}${e.onlink ? ' onlink' : ''}`,
}

export function routeBatchLines(op: Op<RouteEntry>): string[] {
  const e = op.entry
  const route = `${formatIp4Net(e.dst)} via ${formatIp4(e.via)} dev ${e.dev}`
  return op.verb === 'replace' ? [`route replace ${route}${e.onlink ? ' onlink' : ''}`] : [`route del ${route}`]
}

export interface RouteFilter {
  /** the devices flanctl's routes leave by: the vxlan device and/or the external interface */
  devices: readonly string[]
  /** the flannel network: only routes inside it can be flanctl's */
  network: Ip4Net
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

const str = (v: unknown): v is string => typeof v === 'string'

export function routesFromJson(rows: readonly IpRoute[], filter: RouteFilter): RouteEntry[] {
  const routes: RouteEntry[] = []
  for (const r of rows) {
    if (typeof r !== 'object' || r === null) continue
    if (!str(r.dst) || r.dst === 'default' || !str(r.gateway) || !str(r.dev)) continue
    if (r.protocol === 'kernel' || (r.type !== undefined && r.type !== 'unicast') || (r.metric ?? 0) !== 0 || r.nexthops !== undefined) continue
    if (!filter.devices.includes(r.dev)) continue
    const dst = parseIp4Net(r.dst.includes('/') ? r.dst : `${r.dst}/32`)
    const via = parseIp4(r.gateway)
    if (!dst.ok || via === undefined || !ip4NetContainsNet(filter.network, dst.value)) continue
    routes.push({kind: 'route', dst: dst.value, via, dev: r.dev, onlink: Array.isArray(r.flags) && r.flags.includes('onlink')})
  }
  return routes
}

/** The route kind over iproute2, for one backend's devices and network. */
export function iproute2Routes(filter: RouteFilter): Iproute2Kind<RouteEntry> {
  return {
    ...routeKind,
    tool: 'ip',
    batchLines: routeBatchLines,
    observe: async (netns) => routesFromJson(await runJson<IpRoute>('ip', ['-4', 'route', 'show', 'table', 'main'], {netns}), filter),
  }
}
