// What a new network config means for hosts that run an older one (pure). flannel's agents read
// the config once, at start: a running host keeps its backend, subnet and MTU until its agent
// restarts. `config set` says this before it writes; a running agent logs it when the config
// changes under it (engine/config-watch.ts). The backends' overheads come from the registry.
import {formatIp4Net, ip4NetContainsNet} from '../core/ip4.js'
import {UNNAMED_BACKEND, type Lease, type NetworkConfig} from '../core/types.js'
import {findBackend} from './registry.js'

export interface ConfigChange {
  /** each field that differs, "Backend.Type vxlan -> host-gw", in a fixed order */
  changed: string[]
  /** leases held with the old shape: another backend type, or a subnet the new Network/SubnetLen does not give */
  oldShapeLeases: Lease[]
  /** hosts on the old and the new config cannot reach each other until every agent restarted */
  splitsNetwork: boolean
  /** FLANNEL_MTU as each config sets it ("underlay MTU - 50", "1400"), when they differ */
  mtu?: {from: string; to: string}
  /** sentences for people, the same facts as the fields */
  notes: string[]
}

/** The backend type a lease was written for: flannel's udp when the value names none. */
export function leaseBackendType(lease: Lease): string {
  return lease.attrs.backendType ?? UNNAMED_BACKEND
}

/** FLANNEL_MTU as a config sets it, relative to the underlay unless Backend.MTU fixes it. */
export function mtuRule(config: NetworkConfig): string {
  if (config.backend.mtu > 0) return String(config.backend.mtu)
  const overhead = findBackend(config.backend.type)?.overhead
  if (overhead === undefined) return 'unknown (backend not known to flanctl)'
  return overhead === 0 ? 'underlay MTU' : `underlay MTU - ${overhead}`
}

/** True when a lease was written for the new config's shape: its backend type, inside its Network, of its SubnetLen. */
export function leaseHasShape(config: NetworkConfig, lease: Lease): boolean {
  if (leaseBackendType(lease) !== config.backend.type) return false
  // a lease that publishes its VNI (vxlan's BackendData) was written for that VNI
  const published = (lease.attrs.backendData as {VNI?: unknown} | null | undefined)?.VNI
  if (typeof published === 'number' && config.backend.vni > 0 && published !== config.backend.vni) return false
  if (config.network === undefined) return true
  return lease.subnet.prefixLen === config.subnetLen && ip4NetContainsNet(config.network, lease.subnet)
}

function changedFields(previous: NetworkConfig, next: NetworkConfig): string[] {
  const text = (config: NetworkConfig) => ({
    Network: config.network === undefined ? 'none' : formatIp4Net(config.network),
    SubnetLen: String(config.subnetLen),
    'Backend.Type': config.backend.type,
    'Backend.VNI': String(config.backend.vni),
    'Backend.Port': String(config.backend.port),
    'Backend.DirectRouting': String(config.backend.directRouting),
    FLANNEL_MTU: mtuRule(config),
  })
  const before = text(previous)
  const after = text(next)
  // another backend type: its options mean other things, the type says it
  const sameType = previous.backend.type === next.backend.type
  return (Object.keys(before) as Array<keyof typeof before>)
    .filter((k) => before[k] !== after[k] && (sameType || !k.startsWith('Backend.') || k === 'Backend.Type'))
    .map((k) => `${k} ${before[k]} -> ${after[k]}`)
}

/** What changes for the hosts that hold `leases` when `next` replaces `previous` (undefined: there was no config). */
export function configChange(previous: NetworkConfig | undefined, next: NetworkConfig, leases: readonly Lease[]): ConfigChange {
  const oldShapeLeases = leases.filter((lease) => !leaseHasShape(next, lease))
  const changed = previous === undefined ? [] : changedFields(previous, next)
  const backendTypes = new Set(oldShapeLeases.map(leaseBackendType))
  const wire = (c: NetworkConfig) => `${c.backend.type}/${c.backend.vni}/${c.backend.port}`
  const splitsNetwork = oldShapeLeases.length > 0 && ([...backendTypes].some((type) => type !== next.backend.type) || (previous !== undefined && wire(previous) !== wire(next)))
  const mtu = previous !== undefined && mtuRule(previous) !== mtuRule(next) ? {from: mtuRule(previous), to: mtuRule(next)} : undefined
  const notes: string[] = []
  if (oldShapeLeases.length > 0) {
    const n = oldShapeLeases.length
    notes.push(`${n} host${n === 1 ? ' holds a lease' : 's hold leases'} of the old shape (${[...backendTypes].join(', ')}); each changes only when its agent restarts (running agents keep what they have)`)
  }
  if (splitsNetwork) notes.push(`until every agent has restarted, hosts on the old ${[...backendTypes].join('/')} config and hosts on the new ${next.backend.type} config cannot reach each other`)
  if (mtu !== undefined) notes.push(`FLANNEL_MTU changes (${mtu.from} -> ${mtu.to}): restart docker on each host after its agent, so that it takes the new --mtu`)
  const subnetMoves = oldShapeLeases.some((lease) => next.network !== undefined && !(lease.subnet.prefixLen === next.subnetLen && ip4NetContainsNet(next.network, lease.subnet)))
  if (subnetMoves) notes.push('hosts whose subnet is not in the new Network/SubnetLen get a new subnet when their agent restarts: restart docker there too (new --bip)')
  return {changed, oldShapeLeases, splitsNetwork, mtu, notes}
}

/** `subnets ls`: a warning when the leases were written for more than one backend type (a switch half done). */
export function mixedBackendsWarning(leases: readonly Lease[]): string | undefined {
  const byType = new Map<string, number>()
  for (const lease of leases) byType.set(leaseBackendType(lease), (byType.get(leaseBackendType(lease)) ?? 0) + 1)
  if (byType.size < 2) return undefined
  const counts = [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${n} ${type}`).join(', ')
  return `leases of several backend types (${counts}): hosts on different backends cannot reach each other; restart the agents still on a type other than the config's (\`flanctl config get\` shows it)`
}
