// vxlan's neighbours: `<subnet>.0 lladdr <VtepMAC> dev flannel.1 nud permanent`, one per peer.
// Identity: device and address. Installed with flanctl's protocol number (owner-mark.ts) and
// observed only with it: an administrator's permanent neighbour and the kernel's cache are not ours.
import type {EntryKind, Op} from '../../core/dataplane-state.js'
import {formatIp4, parseIp4} from '../../core/ip4.js'
import {parseMac} from '../../core/mac.js'
import {runJson} from '../../adapters/iproute2/run.js'
import type {Iproute2Kind} from '../iproute2-dataplane.js'
import {FLANCTL_PROTOCOL, isFlanctlProtocol} from '../owner-mark.js'

export interface NeighEntry {
  kind: 'neigh'
  ip: number
  lladdr: string
  dev: string
  /** desired entries are always permanent */
  permanent: boolean
}

export const neighKind: EntryKind<NeighEntry> = {
  name: 'neigh',
  rank: 1,
  id: (e) => `neigh ${e.dev} ${e.ip}`,
  equal: (a, b) => a.ip === b.ip && a.lladdr === b.lladdr && a.dev === b.dev && a.permanent === b.permanent,
  deletable: (e) => e.permanent,
  format: (e) => `neigh ${formatIp4(e.ip)} lladdr ${e.lladdr} dev ${e.dev}${e.permanent ? ' nud permanent' : ''}`,
}

/**
 * A failed `ip neigh` line ends the whole batch (iproute2 exits from it, -force or not), so a
 * delete is written as `neigh replace` (the entry now surely exists) then `neigh del`.
 */
export function neighBatchLines(op: Op<NeighEntry>): string[] {
  const e = op.entry
  const replace = `neigh replace ${formatIp4(e.ip)} lladdr ${e.lladdr} dev ${e.dev} nud permanent protocol ${FLANCTL_PROTOCOL}`
  return op.verb === 'replace' ? [replace] : [replace, `neigh del ${formatIp4(e.ip)} dev ${e.dev}`]
}

interface IpNeigh {
  dst?: string
  lladdr?: string
  state?: string[]
  protocol?: string
}

export function neighsFromJson(rows: readonly IpNeigh[], device: string): NeighEntry[] {
  const neighs: NeighEntry[] = []
  for (const n of rows) {
    if (typeof n !== 'object' || n === null) continue
    const ip = typeof n.dst === 'string' ? parseIp4(n.dst) : undefined
    if (ip === undefined || !isFlanctlProtocol(n.protocol)) continue
    const lladdr = typeof n.lladdr === 'string' ? (parseMac(n.lladdr) ?? n.lladdr) : ''
    neighs.push({kind: 'neigh', ip, lladdr, dev: device, permanent: Array.isArray(n.state) && n.state.includes('PERMANENT')})
  }
  return neighs
}

export function iproute2Neighs(device: string): Iproute2Kind<NeighEntry> {
  return {
    ...neighKind,
    tool: 'ip',
    batchLines: neighBatchLines,
    observe: async (netns) => neighsFromJson(await runJson<IpNeigh>('ip', ['-4', 'neigh', 'show', 'dev', device], {netns}), device),
  }
}
