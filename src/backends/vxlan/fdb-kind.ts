// vxlan's forwarding entries: `<VtepMAC> dev flannel.1 dst <PublicIP> self permanent`, one per
// peer. Identity: device and MAC (one remote per VTEP MAC, as flannel keeps it). Observed as the
// permanent entries with a remote on the vxlan device, except the all-zero flooding entry.
import type {EntryKind, Op} from '../../core/dataplane-state.js'
import {formatIp4, parseIp4} from '../../core/ip4.js'
import {parseMac} from '../../core/mac.js'
import {runJson} from '../../adapters/iproute2/run.js'
import type {Iproute2Kind} from '../iproute2-dataplane.js'

export interface FdbEntry {
  kind: 'fdb'
  lladdr: string
  dst: number
  dev: string
}

export const fdbKind: EntryKind<FdbEntry> = {
  name: 'fdb',
  rank: 0,
  id: (e) => `fdb ${e.dev} ${e.lladdr}`,
  equal: (a, b) => a.lladdr === b.lladdr && a.dst === b.dst && a.dev === b.dev,
  format: (e) => `fdb ${e.lladdr} dev ${e.dev} dst ${formatIp4(e.dst)}`,
}

export function fdbBatchLines(op: Op<FdbEntry>): string[] {
  const e = op.entry
  return op.verb === 'replace'
    ? [`fdb replace ${e.lladdr} dev ${e.dev} dst ${formatIp4(e.dst)} self permanent`]
    : [`fdb del ${e.lladdr} dev ${e.dev} dst ${formatIp4(e.dst)} self`]
}

interface BridgeFdb {
  mac?: string
  dst?: string
  state?: string
  master?: string
}

const ZERO_MAC = '00:00:00:00:00:00'

export function fdbFromJson(rows: readonly BridgeFdb[], device: string): FdbEntry[] {
  const fdb: FdbEntry[] = []
  for (const f of rows) {
    if (typeof f !== 'object' || f === null) continue
    if (f.state !== 'permanent' || f.master !== undefined || typeof f.mac !== 'string' || typeof f.dst !== 'string') continue
    const lladdr = parseMac(f.mac)
    const dst = parseIp4(f.dst)
    if (lladdr === undefined || lladdr === ZERO_MAC || dst === undefined) continue
    fdb.push({kind: 'fdb', lladdr, dst, dev: device})
  }
  return fdb
}

export function iproute2Fdb(device: string): Iproute2Kind<FdbEntry> {
  return {
    ...fdbKind,
    tool: 'bridge',
    batchLines: fdbBatchLines,
    observe: async (netns) => fdbFromJson(await runJson<BridgeFdb>('bridge', ['fdb', 'show', 'dev', device], {netns}), device),
  }
}
