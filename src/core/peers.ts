// Who is who among the leases, as flannel has it: a host's own leases are those with its public
// IP; its peers are the other leases of its backend type (leases of another type are ignored:
// programming a vxlan neighbour for a host-gw host would be wrong).
import {parseIp4} from './ip4.js'
import {leaseBackendType} from './lease-codec.js'
import type {Lease} from './types.js'

export interface PeerRule {
  /** our lease's key: never a peer of ourselves */
  ownKey: string
  backendType: string
}

export function isPeer(lease: Lease, rule: PeerRule): boolean {
  return lease.key !== rule.ownKey && leaseBackendType(lease.attrs) === rule.backendType
}

/** The peers among the leases, in the order given. */
export function peersOf(leases: Iterable<Lease>, rule: PeerRule): Lease[] {
  const peers: Lease[] = []
  for (const lease of leases) if (isPeer(lease, rule)) peers.push(lease)
  return peers
}

/** The leases whose PublicIP is this address: the host's own (more than one is a mistake to clean up). */
export function ownLeases(leases: Iterable<Lease>, publicIp: number): Lease[] {
  const own: Lease[] = []
  for (const lease of leases) if (parseIp4(lease.attrs.publicIp) === publicIp) own.push(lease)
  return own
}
