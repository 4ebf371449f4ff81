// udp's one route: `<Network> dev flannel0` (no gateway: the relay picks the peer). Observed
// among the main table's routes on flannel0 inside the network.
import type {EntryKind, Op} from '../../core/dataplane-state.js'
import {formatIp4Net, ip4NetContainsNet, parseIp4Net} from '../../core/ip4.js'
import type {Ip4Net} from '../../core/types.js'
import {runJson} from '../../adapters/iproute2/run.js'
import type {Iproute2Kind} from '../iproute2-dataplane.js'

export interface DeviceRouteEntry {
  kind: 'device-route'
  dst: Ip4Net
  dev: string
}

export const deviceRouteKind: EntryKind<DeviceRouteEntry> = {
  name: 'device-route',
  rank: 2,
  id: (e) => `device-route ${e.dst.ip}/${e.dst.prefixLen}`,
  equal: (a, b) => a.dst.ip === b.dst.ip && a.dst.prefixLen === b.dst.prefixLen && a.dev === b.dev,
  format: (e) => `route ${formatIp4Net(e.dst)} dev ${e.dev}`,
}

export function deviceRouteBatchLines(op: Op<DeviceRouteEntry>): string[] {
  const route = `${formatIp4Net(op.entry.dst)} dev ${op.entry.dev}`
  return [op.verb === 'replace' ? `route replace ${route}` : `route del ${route}`]
}

interface IpRouteRow {
  dst?: string
  gateway?: string
  dev?: string
  protocol?: string
  metric?: number
}

export function deviceRoutesFromJson(rows: readonly IpRouteRow[], dev: string, network: Ip4Net): DeviceRouteEntry[] {
  const routes: DeviceRouteEntry[] = []
  for (const r of rows) {
    if (typeof r !== 'object' || r === null || r.dev !== dev || r.gateway !== undefined || typeof r.dst !== 'string') continue
    if (r.protocol === 'kernel' || (r.metric ?? 0) !== 0) continue
    const dst = parseIp4Net(r.dst.includes('/') ? r.dst : `${r.dst}/32`)
    if (dst.ok && ip4NetContainsNet(network, dst.value)) routes.push({kind: 'device-route', dst: dst.value, dev})
  }
  return routes
}

export function iproute2DeviceRoutes(dev: string, network: Ip4Net): Iproute2Kind<DeviceRouteEntry> {
  return {
    ...deviceRouteKind,
    tool: 'ip',
    batchLines: deviceRouteBatchLines,
    observe: async (netns) => deviceRoutesFromJson(await runJson<IpRouteRow>('ip', ['-4', 'route', 'show', 'table', 'main'], {netns}), dev, network),
  }
}
