// Routes: the one kind of kernel entry every routing backend programs (vxlan's
// `<subnet> via <subnet>.0 dev flannel.1 onlink`, host-gw's and DirectRouting's
// `<subnet> via <PublicIP> dev <external interface>`). Identity is the destination: the main
// table holds one route per prefix. Every route flanctl installs carries its protocol number
// (owner-mark.ts), whatever the backend, and every route with it is observed as flanctl's (on
// any device, inside the network or not): one from an earlier network config, or from another
// backend, that no lease explains is removed; an administrator's or flanneld's never is.
import type {EntryKind, Op} from '../core/dataplane-state.js'
import {formatIp4, formatIp4Net, parseIp4, parseIp4Net} from '../core/ip4.js'
import type {Ip4Net} from '../core/types.js'
import {runJson} from '../adapters/iproute2/run.js'
import type {Iproute2Kind} from './iproute2-dataplane.js'
import {FLANCTL_PROTOCOL} from './owner-mark.js'

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
  // a delete names the protocol too: it can only ever remove a route of ours
  return op.verb === 'replace' ? [`route replace ${route}${e.onlink ? ' onlink' : ''} proto ${FLANCTL_PROTOCOL}`] : [`route del ${route} proto ${FLANCTL_PROTOCOL}`]
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

/** `rows`: the output of `ip -j route show ... proto 151`: routes of ours only. */
export function routesFromJson(rows: readonly IpRoute[]): RouteEntry[] {
  const routes: RouteEntry[] = []
  for (const r of rows) {
    if (typeof r !== 'object' || r === null) continue
    if (!str(r.dst) || r.dst === 'default' || !str(r.gateway) || !str(r.dev)) continue
    if ((r.type !== undefined && r.type !== 'unicast') || (r.metric ?? 0) !== 0 || r.nexthops !== undefined) continue
    const dst = parseIp4Net(r.dst.includes('/') ? r.dst : `${r.dst}/32`)
    const via = parseIp4(r.gateway)
    if (!dst.ok || via === undefined) continue
    routes.push({kind: 'route', dst: dst.value, via, dev: r.dev, onlink: Array.isArray(r.flags) && r.flags.includes('onlink')})
  }
  return routes
}

/** The route kind over iproute2: flanctl's routes in the main table. */
export function iproute2Routes(): Iproute2Kind<RouteEntry> {
  return {
    ...routeKind,
    tool: 'ip',
    batchLines: routeBatchLines,
    observe: async (netns) => routesFromJson(await runJson<IpRoute>('ip', ['-4', 'route', 'show', 'table', 'main', 'proto', String(FLANCTL_PROTOCOL)], {netns})),
  }
}
