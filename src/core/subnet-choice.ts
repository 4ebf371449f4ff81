// Which subnet a host gets, following flannel's tryAcquireLease order:
//   1. a lease whose PublicIP is ours and still fits the config: reuse it (else it is stale);
//   2. the subnet of the previous subnet.env, if it is free and fits the config;
//   3. one at random among the first 100 free subnets from SubnetMin upward.
// Pure: the random source is passed in; the caller deletes staleLeases and writes the lease.
import {ownLeases} from './peers.js'
import {formatIp4, formatIp4Net, ip4NetSize, ip4NetsOverlap, parseIp4} from './ip4.js'
import {formatIp6, ip6NetSize, ip6NetsOverlap} from './ip6.js'
import {fail, ok, type Result} from './result.js'
import type {Ip4Net, Ip6Net, Lease, NetworkConfig} from './types.js'

/** flannel picks among this many free subnets, so racing hosts rarely pick the same one. */
const FREE_SUBNET_CANDIDATES = 100

export interface ChooseSubnetInput {
  config: NetworkConfig
  leases: readonly Lease[]
  /** subnets whose keys exist but whose values do not decode: taken, though nobody's to reuse */
  unreadable?: readonly SubnetHolder[]
  /** FLANNEL_SUBNET of the previous subnet.env, as a network (host bits masked) */
  previousSubnet?: Ip4Net
  /** FLANNEL_IPV6_SUBNET of the previous subnet.env */
  previousIpv6Subnet?: Ip6Net
  publicIp: string
  /** a number in [0, 1) */
  random: () => number
}

/** What occupies a subnet: a lease, or a key whose value could not be read. */
export type SubnetHolder = Pick<Lease, 'subnet' | 'ipv6Subnet'>

export type SubnetChoice =
  | {kind: 'reuse'; lease: Lease; staleLeases: Lease[]}
  | {kind: 'previous' | 'new'; subnet: Ip4Net; ipv6Subnet?: Ip6Net; staleLeases: Lease[]}

/** flannel's isSubnetConfigCompat: inside SubnetMin..SubnetMax with the configured length. */
function subnetFitsConfig(config: NetworkConfig, subnet: Ip4Net): boolean {
  return subnet.ip >= config.subnetMin && subnet.ip <= config.subnetMax && subnet.prefixLen === config.subnetLen
}

/** flannel's isIPv6SubnetConfigCompat: no IPv6 subnet unless IPv6 is enabled, then one in range. */
function ipv6SubnetFitsConfig(config: NetworkConfig, subnet: Ip6Net | undefined): boolean {
  if (!config.enableIPv6) return subnet === undefined
  const {ipv6SubnetMin: min, ipv6SubnetMax: max, ipv6SubnetLen: len} = config
  if (subnet === undefined || min === undefined || max === undefined) return false
  return subnet.ip >= min && subnet.ip <= max && subnet.prefixLen === len
}

export function leaseFitsConfig(config: NetworkConfig, lease: Pick<Lease, 'subnet' | 'ipv6Subnet'>): boolean {
  return subnetFitsConfig(config, lease.subnet) && ipv6SubnetFitsConfig(config, lease.ipv6Subnet)
}

/** Occupancy of the lease set: exact subnets in a Set (O(1) per candidate), odd-sized ones scanned. */
class Occupied4 {
  private readonly exact = new Set<number>()
  private readonly odd: Ip4Net[] = []
  constructor(leases: readonly SubnetHolder[], prefixLen: number) {
    for (const lease of leases) {
      if (lease.subnet.prefixLen === prefixLen) this.exact.add(lease.subnet.ip)
      else this.odd.push(lease.subnet)
    }
  }
  has(subnet: Ip4Net): boolean {
    if (this.exact.has(subnet.ip)) return true
    return this.odd.some((other) => ip4NetsOverlap(subnet, other))
  }
}

class Occupied6 {
  private readonly exact = new Set<bigint>()
  private readonly odd: Ip6Net[] = []
  constructor(leases: readonly SubnetHolder[], prefixLen: number) {
    for (const lease of leases) {
      if (lease.ipv6Subnet === undefined) continue
      if (lease.ipv6Subnet.prefixLen === prefixLen) this.exact.add(lease.ipv6Subnet.ip)
      else this.odd.push(lease.ipv6Subnet)
    }
  }
  has(subnet: Ip6Net): boolean {
    if (this.exact.has(subnet.ip)) return true
    return this.odd.some((other) => ip6NetsOverlap(subnet, other))
  }
}

function pick<T>(candidates: T[], random: () => number): T {
  const i = Math.floor(random() * candidates.length)
  return candidates[Math.min(Math.max(i, 0), candidates.length - 1)]
}

/** The first `limit` free IPv4 subnets from SubnetMin upward. */
export function freeSubnets(config: NetworkConfig, leases: readonly SubnetHolder[], limit = FREE_SUBNET_CANDIDATES): Ip4Net[] {
  const occupied = new Occupied4(leases, config.subnetLen)
  const size = ip4NetSize(config.subnetLen)
  const free: Ip4Net[] = []
  for (let ip = config.subnetMin; ip <= config.subnetMax && free.length < limit; ip += size) {
    const subnet = {ip, prefixLen: config.subnetLen}
    if (!occupied.has(subnet)) free.push(subnet)
  }
  return free
}

function freeIpv6Subnets(config: NetworkConfig, leases: readonly SubnetHolder[], limit = FREE_SUBNET_CANDIDATES): Ip6Net[] {
  const {ipv6SubnetMin: min, ipv6SubnetMax: max, ipv6SubnetLen: len} = config
  if (min === undefined || max === undefined || len === undefined) return []
  const occupied = new Occupied6(leases, len)
  const size = ip6NetSize(len)
  const free: Ip6Net[] = []
  for (let ip = min; ip <= max && free.length < limit; ip += size) {
    const subnet = {ip, prefixLen: len}
    if (!occupied.has(subnet)) free.push(subnet)
  }
  return free
}

/** Why chooseSubnet put one of our leases in staleLeases, for the log line that deletes it. */
export function staleLeaseReason(config: NetworkConfig, stale: Lease, reused: Lease | undefined): string {
  if (!leaseFitsConfig(config, stale)) {
    return `it no longer fits the network config (a /${config.subnetLen} from ${formatIp4(config.subnetMin)} to ${formatIp4(config.subnetMax)})`
  }
  return reused === undefined ? 'a duplicate lease of this host' : `a duplicate: this host keeps ${reused.key}`
}

export function chooseSubnet(input: ChooseSubnetInput): Result<SubnetChoice> {
  const {config, leases, random} = input
  if (!config.enableIPv4 || config.network === undefined) {
    return fail('E_INVALID_CONFIG', 'flanctl needs an IPv4 Network in the config (EnableIPv4 is false or Network is missing)')
  }
  const publicIp = parseIp4(input.publicIp)
  if (publicIp === undefined) return fail('E_USAGE', `invalid public IP ${JSON.stringify(input.publicIp)}: expected an IPv4 address`)

  // 1. our own leases, found by PublicIP
  const own = ownLeases(leases, publicIp)
  const fitting = own.filter((lease) => leaseFitsConfig(config, lease))
  // a reservation is preferred: it must stay the host's subnet
  const reused = fitting.find((lease) => lease.reservation) ?? fitting[0]
  // leases of ours that do not fit are deleted (as flannel does); so are duplicates, except reservations
  const staleLeases = own.filter((lease) => lease !== reused && (!fitting.includes(lease) || !lease.reservation))
  if (reused !== undefined) return ok({kind: 'reuse', lease: reused, staleLeases})

  // 2. the previous subnet.env's subnet. Stale leases still count as taken, as in flannel.
  const holders: readonly SubnetHolder[] = [...leases, ...(input.unreadable ?? [])]
  const previous = input.previousSubnet
  if (previous !== undefined && leaseFitsConfig(config, {subnet: previous, ipv6Subnet: input.previousIpv6Subnet})) {
    const taken = holders.some(
      (lease) =>
        ip4NetsOverlap(lease.subnet, previous) ||
        (input.previousIpv6Subnet !== undefined && lease.ipv6Subnet !== undefined && ip6NetsOverlap(lease.ipv6Subnet, input.previousIpv6Subnet)),
    )
    if (!taken) {
      const choice: SubnetChoice = {kind: 'previous', subnet: previous, staleLeases}
      if (input.previousIpv6Subnet !== undefined) choice.ipv6Subnet = input.previousIpv6Subnet
      return ok(choice)
    }
  }

  // 3. random among the first 100 free subnets
  const free = freeSubnets(config, holders)
  const free6 = config.enableIPv6 ? freeIpv6Subnets(config, holders) : []
  if (free.length === 0) {
    return fail(
      'E_SUBNETS_EXHAUSTED',
      `out of subnets: every /${config.subnetLen} from ${formatIp4(config.subnetMin)} to ${formatIp4(config.subnetMax)} in ${formatIp4Net(config.network)} is leased (${leases.length} leases${input.unreadable?.length ? `, ${input.unreadable.length} keys with malformed values` : ''})`,
    )
  }
  if (config.enableIPv6 && free6.length === 0) {
    return fail(
      'E_SUBNETS_EXHAUSTED',
      `out of subnets: every IPv6 /${config.ipv6SubnetLen} from ${formatIp6(config.ipv6SubnetMin ?? 0n)} to ${formatIp6(config.ipv6SubnetMax ?? 0n)} is leased`,
    )
  }
  const choice: SubnetChoice = {kind: 'new', subnet: pick(free, random), staleLeases}
  if (config.enableIPv6) choice.ipv6Subnet = pick(free6, random)
  return ok(choice)
}
