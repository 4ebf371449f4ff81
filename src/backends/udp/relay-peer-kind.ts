// The relay's peer table as entries: one per peer subnet, where its packets go (PublicIP; the
// port is the network's). Observed from the relay itself (what its worker forwards with now),
// applied by handing the worker the new table.
import type {EntryKind} from '../../core/dataplane-state.js'
import {formatIp4, formatIp4Net} from '../../core/ip4.js'
import type {Ip4Net} from '../../core/types.js'

export interface RelayPeerEntry {
  kind: 'relay-peer'
  subnet: Ip4Net
  publicIp: number
}

export const relayPeerKind: EntryKind<RelayPeerEntry> = {
  name: 'relay-peer',
  rank: 1,
  id: (e) => `relay-peer ${e.subnet.ip}/${e.subnet.prefixLen}`,
  equal: (a, b) => a.subnet.ip === b.subnet.ip && a.subnet.prefixLen === b.subnet.prefixLen && a.publicIp === b.publicIp,
  format: (e) => `relay ${formatIp4Net(e.subnet)} to ${formatIp4(e.publicIp)}`,
}
