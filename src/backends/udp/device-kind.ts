// flannel0's attributes, as one entry: address <own subnet>.0/32, MTU, up. The TUN device itself
// exists while the relay holds it open; this entry is what iproute2 adds to it, so a relay that
// restarted (a new, bare device) gets its attributes back from the next pass.
import type {EntryKind, Op} from '../../core/dataplane-state.js'
import {formatIp4, parseIp4} from '../../core/ip4.js'
import {runJson} from '../../adapters/iproute2/run.js'
import type {Iproute2Kind} from '../iproute2-dataplane.js'

export interface UdpDeviceEntry {
  kind: 'udp-device'
  dev: string
  /** the /32 address: our subnet's network address (0 when the device has none) */
  address: number
  mtu: number
  up: boolean
}

export const udpDeviceKind: EntryKind<UdpDeviceEntry> = {
  name: 'udp-device',
  rank: 0,
  id: (e) => `udp-device ${e.dev}`,
  equal: (a, b) => a.dev === b.dev && a.address === b.address && a.mtu === b.mtu && a.up === b.up,
  // the device goes away with the relay, never by a pass
  deletable: () => false,
  format: (e) => `device ${e.dev} address ${formatIp4(e.address)}/32 mtu ${e.mtu}${e.up ? ' up' : ''}`,
}

export function udpDeviceBatchLines(op: Op<UdpDeviceEntry>): string[] {
  const e = op.entry
  if (op.verb === 'delete') return []
  return [`address replace ${formatIp4(e.address)}/32 dev ${e.dev}`, `link set dev ${e.dev} mtu ${e.mtu} up`]
}

interface IpAddrRow {
  ifname?: string
  mtu?: number
  flags?: string[]
  addr_info?: Array<{family?: string; local?: string; prefixlen?: number}>
}

/** The device as `ip -j -4 addr show` has it; none when it does not exist (the relay is down). */
export function udpDeviceFromJson(rows: readonly IpAddrRow[], dev: string): UdpDeviceEntry[] {
  const row = rows.find((r) => typeof r === 'object' && r !== null && r.ifname === dev)
  if (row === undefined) return []
  const first = (row.addr_info ?? []).find((a) => a.family === 'inet' && a.prefixlen === 32 && typeof a.local === 'string')
  const address = (first?.local === undefined ? undefined : parseIp4(first.local)) ?? 0
  return [{kind: 'udp-device', dev, address, mtu: typeof row.mtu === 'number' ? row.mtu : 0, up: Array.isArray(row.flags) && row.flags.includes('UP')}]
}

export function iproute2UdpDevice(dev: string): Iproute2Kind<UdpDeviceEntry> {
  return {
    ...udpDeviceKind,
    tool: 'ip',
    batchLines: udpDeviceBatchLines,
    observe: async (netns) => udpDeviceFromJson(await runJson<IpAddrRow>('ip', ['-4', 'addr', 'show'], {netns}), dev),
  }
}
