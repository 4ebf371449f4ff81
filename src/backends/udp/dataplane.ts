// udp's kernel port: flannel0's attributes and its route through iproute2 (one `ip -batch` per
// pass), and the relay's peer table through the relay (observed from it, replaced as a whole).
// While the relay is down (restarting) its table observes empty and applying fails: the pass
// stays dirty and is retried.
import {entryKinds, type Dataplane, type Op} from '../../core/dataplane-state.js'
import {FlanctlError} from '../../core/errors.js'
import type {Ip4Net} from '../../core/types.js'
import {createIproute2Dataplane} from '../iproute2-dataplane.js'
import {iproute2DeviceRoutes} from './device-route-kind.js'
import {iproute2UdpDevice} from './device-kind.js'
import {relayPeerKind, type RelayPeerEntry} from './relay-peer-kind.js'
import type {RelayPeer} from './relay/peer-table.js'
import type {UdpRelay} from './relay/relay.js'

export interface RelayAccess {
  /** the relay running now; undefined while it is down */
  current(): UdpRelay | undefined
}

export interface UdpDataplaneOptions {
  device: string
  network: Ip4Net
  relay: RelayAccess
}

const peerKey = (p: {subnet: Ip4Net}): string => `${p.subnet.ip}/${p.subnet.prefixLen}`

export function udpIproute2Dataplane(options: UdpDataplaneOptions, netns?: string): Dataplane {
  const {device, network, relay} = options
  return udpDataplane(createIproute2Dataplane([iproute2UdpDevice(device), iproute2DeviceRoutes(device, network)], netns), relay)
}

/** `ip`: the port of flannel0's attributes and route (iproute2; a fake in engine tests). */
export function udpDataplane(ip: Dataplane, relay: RelayAccess): Dataplane {
  const isRelayOp = (op: Op): op is Op<RelayPeerEntry> => op.entry.kind === relayPeerKind.name

  const relayEntries = (): RelayPeerEntry[] =>
    (relay.current()?.peers ?? []).map((p) => ({kind: 'relay-peer', subnet: {ip: p.subnet, prefixLen: p.prefixLen}, publicIp: p.publicIp}))

  const applyToRelay = async (ops: readonly Op<RelayPeerEntry>[]): Promise<void> => {
    if (ops.length === 0) return
    const running = relay.current()
    if (running === undefined) throw new FlanctlError('E_SYSTEM', `the udp relay is not running (it restarts by itself); ${ops.length} peer changes wait for it`)
    const table = new Map<string, RelayPeer>(running.peers.map((p) => [peerKey({subnet: {ip: p.subnet, prefixLen: p.prefixLen}}), p]))
    for (const op of ops) {
      if (op.verb === 'delete') table.delete(peerKey(op.entry))
      else table.set(peerKey(op.entry), {subnet: op.entry.subnet.ip, prefixLen: op.entry.subnet.prefixLen, publicIp: op.entry.publicIp})
    }
    await running.setPeers([...table.values()])
  }

  return {
    kinds: entryKinds([...ip.kinds.values(), relayPeerKind]),
    observe: async () => [...(await ip.observe()), ...relayEntries()],
    // diagnose's fixes: the ip lines; the relay's table has no command a person could type
    commands: (op) => (isRelayOp(op) ? [] : (ip.commands?.(op) ?? [])),
    apply: async (ops) => {
      const results = await Promise.allSettled([ip.apply(ops.filter((op) => !isRelayOp(op))), applyToRelay(ops.filter(isRelayOp))])
      for (const result of results) if (result.status === 'rejected') throw result.reason
    },
  }
}
