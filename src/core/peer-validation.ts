// Lease data that must never reach the kernel: a peer's subnet must be a SubnetLen subnet inside
// the Network (a key 0.0.0.0-0 would replace the default route), and its PublicIP an address a
// tunnel or a next hop can use (not loopback, 0.0.0.0, multicast, broadcast, nor one of this
// host's own addresses under another key). Such a lease is not a peer: it is warned about once
// (the lease book de-duplicates) and programs nothing; its subnet still counts as taken when a
// subnet is chosen (subnet-choice reads every lease). The backend checks its own BackendData.
import {formatIp4, formatIp4Net, ip4Mask, ip4NetContainsNet, parseIp4} from './ip4.js'
import type {Ip4Net, Lease} from './types.js'

export interface LeaseShape {
  network: Ip4Net
  subnetLen: number
  /** this host's own addresses (its public IP, the external interface's address) */
  ownAddresses: readonly number[]
}

const LOOPBACK: Ip4Net = {ip: 0x7f000000, prefixLen: 8}
const MULTICAST: Ip4Net = {ip: 0xe0000000, prefixLen: 4}
const BROADCAST = 0xffffffff

// checked for every lease at start: no objects made for a good one
const inNet = (net: Ip4Net, ip: number): boolean => ((ip & ip4Mask(net.prefixLen)) >>> 0) === net.ip

/** Why an IPv4 address cannot be a peer's PublicIP; undefined when it can. */
export function publicIpProblem(ip: number): string | undefined {
  if (ip === 0) return 'is the unspecified address'
  if (ip === BROADCAST) return 'is the broadcast address'
  if (inNet(LOOPBACK, ip)) return 'is a loopback address'
  if (inNet(MULTICAST, ip)) return 'is a multicast address'
  return undefined
}

/** Why a lease (not ours) must not be programmed, naming its key; undefined when it may. */
export function leaseProblem(lease: Lease, shape: LeaseShape): string | undefined {
  const where = `lease ${lease.key}` // a rope: joined only when a problem is told
  const {subnet} = lease
  if (subnet.prefixLen !== shape.subnetLen || !ip4NetContainsNet(shape.network, subnet)) {
    return `${where}: subnet ${formatIp4Net(subnet)} is not a /${shape.subnetLen} inside the Network ${formatIp4Net(shape.network)}`
  }
  const publicIp = parseIp4(lease.attrs.publicIp)
  if (publicIp === undefined) return `${where}: PublicIP ${JSON.stringify(lease.attrs.publicIp)} is not an IPv4 address`
  const bad = publicIpProblem(publicIp)
  if (bad !== undefined) return `${where}: PublicIP ${formatIp4(publicIp)} ${bad}`
  if (shape.ownAddresses.includes(publicIp)) {
    return `${where}: PublicIP ${formatIp4(publicIp)} is this host's own address, on a subnet that is not ours`
  }
  return undefined
}

/** Orders leases oldest first: by etcd create revision, then key (leases without one sort last). */
export function olderFirst(a: Lease, b: Lease): number {
  const ra = a.createRevision === undefined ? Number.POSITIVE_INFINITY : Number(a.createRevision)
  const rb = b.createRevision === undefined ? Number.POSITIVE_INFINITY : Number(b.createRevision)
  if (ra !== rb) return ra < rb ? -1 : 1
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

export interface Conflict {
  kept: Lease
  skipped: Lease
}

/**
 * Leases that claim one thing (a VtepMAC; overlapping subnets when shapes differ) cannot both
 * be programmed: the older keeps it, the newer is skipped. `claims` gives each lease's claims
 * (strings); leases without claims always stay. Returns the kept leases in the input's order.
 */
export function withoutConflicts(leases: readonly Lease[], claims: (lease: Lease) => readonly string[]): {kept: Lease[]; conflicts: Conflict[]} {
  const holder = new Map<string, Lease>()
  const conflicts: Conflict[] = []
  const skipped = new Set<Lease>()
  let sorted: Lease[] | undefined
  // the common case: no claim is shared, nothing to sort
  for (const lease of leases) {
    for (const claim of claims(lease)) {
      if (holder.has(claim)) {
        sorted = [...leases].sort(olderFirst)
        break
      }
      holder.set(claim, lease)
    }
    if (sorted !== undefined) break
  }
  if (sorted === undefined) return {kept: [...leases], conflicts}
  holder.clear()
  for (const lease of sorted) {
    const mine = claims(lease)
    const clash = mine.map((claim) => holder.get(claim)).find((other) => other !== undefined)
    if (clash !== undefined) {
      skipped.add(lease)
      conflicts.push({kept: clash, skipped: lease})
      continue
    }
    for (const claim of mine) holder.set(claim, lease)
  }
  return {kept: leases.filter((lease) => !skipped.has(lease)), conflicts}
}
