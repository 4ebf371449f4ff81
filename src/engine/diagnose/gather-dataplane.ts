// Layer 6 gathered with the agent's own parts: the backend started read-only (start() only reads
// the kernel, or the diagnosis's inspect(); activate() is never called), its desired state from the leases, its dataplane's
// observe(), and plan() between them: what is missing or wrong per peer, with the commands
// apply() would run, and the owned entries no lease explains.
import type {AgentBackend} from '../../backends/backend-module.js'
import type {BackendPlatform} from '../../backends/platform.js'
import {findBackend} from '../../backends/registry.js'
import {entryId, formatEntry, type KernelEntry, type Op} from '../../core/dataplane-state.js'
import type {DataplanePart, PeerEntry, PeerFact} from '../../core/diagnose/snapshot.js'
import type {ExternalInterface, InterfaceInfo} from '../../core/external-interface.js'
import {formatIp4, formatIp4Net, ip4NetContains, parseIp4, parseIp4Subnet} from '../../core/ip4.js'
import {peersOf} from '../../core/peers.js'
import {plan} from '../../core/plan.js'
import type {Lease, NetworkConfig} from '../../core/types.js'
import {startBackend} from '../join-network.js'
import {CONTAINER_BRIDGES} from './diagnose-input.js'

export interface DataplaneGathered {
  part: DataplanePart
  backend: AgentBackend
  /** the replace ops that would give every (selected) peer its entries: what --fix applies */
  missing: Op[]
}

/** --peer SUBNET|IP: a lease whose subnet is (or contains) it, or whose public IP it is. */
export function peerSelected(lease: Lease, peer: string | undefined): boolean {
  if (peer === undefined) return true
  const ip = parseIp4(peer)
  if (ip !== undefined) return lease.attrs.publicIp === peer || ip4NetContains(lease.subnet, ip)
  const net = parseIp4Subnet(peer.replace('-', '/'))
  return net.ok && net.value.ip === lease.subnet.ip && net.value.prefixLen === lease.subnet.prefixLen
}

export async function gatherDataplane(input: {
  config: NetworkConfig
  external: ExternalInterface
  interfaces: readonly InterfaceInfo[]
  leases: readonly Lease[]
  ownLease: Lease
  platform: BackendPlatform
  peer?: string
}): Promise<DataplaneGathered> {
  const {config, external, ownLease, platform} = input
  const module = findBackend(config.backend.type)
  const backend = module?.diagnosis?.inspect !== undefined
    ? await module.diagnosis.inspect({config, external, platform, random: Math.random})
    : await startBackend(config, external, {platform, random: Math.random})
  const {kinds} = backend.dataplane
  const allPeers = peersOf(input.leases, {ownKey: ownLease.key, backendType: backend.type})
  const desired = backend.desired(ownLease, allPeers)
  const observed = await backend.dataplane.observe()
  const ops = plan(kinds, desired.state, observed)
  const opById = new Map(ops.map((op) => [entryId(kinds, op.entry), op]))
  const observedById = new Map(observed.map((e) => [entryId(kinds, e), e]))
  const commands = (op: Op): string | undefined => backend.dataplane.commands?.(op).join(' && ')
  const diagnosis = module?.diagnosis
  const missing: Op[] = []

  const peers: PeerFact[] = allPeers.filter((l) => peerSelected(l, input.peer)).map((lease) => {
    const entries: PeerEntry[] = backend.desired(ownLease, [lease]).state.map((entry: KernelEntry) => {
      const id = entryId(kinds, entry)
      const op = opById.get(id)
      if (op === undefined || op.verb !== 'replace') return {want: formatEntry(kinds, entry), state: 'ok'}
      // an entry every peer needs (udp's one route) is fixed once
      if (!missing.includes(op)) missing.push(op)
      const have = observedById.get(id)
      return {want: formatEntry(kinds, entry), state: have === undefined ? 'missing' : 'wrong', have: have === undefined ? undefined : formatEntry(kinds, have), command: commands(op)}
    })
    const publicIp = parseIp4(lease.attrs.publicIp)
    return {
      key: lease.key,
      subnet: formatIp4Net(lease.subnet),
      publicIp: lease.attrs.publicIp,
      overlayIp: diagnosis === undefined ? undefined : formatIp4(diagnosis.overlayAddress(lease)),
      entries,
      onLink: publicIp !== undefined && external.onLinkSubnets.some((n) => ip4NetContains(n, publicIp)),
    }
  })
  const stray = ops.filter((op) => op.verb === 'delete').map((op) => ({entry: formatEntry(kinds, op.entry), command: commands(op) ?? ''}))

  let device: DataplanePart['device']
  if (diagnosis?.device !== undefined && config.network !== undefined) {
    const expected = diagnosis.device.expected({config, external, ownLease, mtu: backend.mtu})
    const actual = await diagnosis.device.read(expected.name, platform, {network: config.network, ownSubnet: ownLease.subnet, expected: expected.facts})
    device = {name: expected.name, expected: expected.facts, actual, fieldFixes: expected.fieldFixes}
  }
  const bridges = input.interfaces
    .filter((i) => (CONTAINER_BRIDGES as readonly string[]).includes(i.name))
    .map((i) => ({name: i.name, mtu: i.mtu, addresses: i.addresses.map((a) => `${formatIp4(a.ip)}/${a.prefixLen}`)}))
  const overhead = module?.overhead ?? 0
  const part: DataplanePart = {
    backendType: backend.type,
    device,
    peers,
    stray,
    desiredWarnings: desired.warnings,
    peersNote: diagnosis?.peersNote,
    needsL2: diagnosis?.needsL2 ?? false,
    underlayMtu: backend.mtu + overhead,
    overhead,
    overlayMtu: backend.mtu,
    bridges,
    encapsulation: diagnosis?.encapsulation?.(config.backend),
  }
  return {part, backend, missing}
}
