// What `flanctl lease` does to single leases: find one (by subnet or public IP), renew, release,
// and turn a subnet into a reservation for a public IP or back into an ordinary lease.
import {findBackend} from '../backends/registry.js'
import {vxlanBackendData} from '../backends/vxlan/lease-data.js'
import {FlanctlError} from '../core/errors.js'
import {formatIp4Net, ip4NetContains, ip4NetEqual, ip4NetsOverlap} from '../core/ip4.js'
import {randomMac} from '../core/mac.js'
import type {LeaseList, LeaseStore, UnreadableLease} from '../core/ports.js'
import {LEASE_TTL_SECONDS, UNNAMED_BACKEND, type Ip4Net, type Lease, type LeaseAttrs, type NetworkConfig} from '../core/types.js'
import {acquireLease, type AcquiredLease} from './acquire-lease.js'
import {cryptoRandom} from './crypto-random.js'
import {readNetworkConfig} from './read-network-config.js'

export interface LeaseSelector {
  subnet?: Ip4Net
  publicIp?: string
}

function describeSelector(selector: LeaseSelector): string {
  if (selector.subnet !== undefined) return `subnet ${formatIp4Net(selector.subnet)}`
  return `public IP ${selector.publicIp}`
}

/** The key of a subnet whose value is malformed, when the selector names a subnet. */
function unreadableFor(list: LeaseList, selector: LeaseSelector): UnreadableLease | undefined {
  const subnet = selector.subnet
  return subnet === undefined ? undefined : list.unreadable?.find((entry) => ip4NetEqual(entry.subnet, subnet))
}

function malformedError(entry: UnreadableLease): FlanctlError {
  const shown = entry.value.length > 200 ? `${entry.value.slice(0, 200)}...` : entry.value
  return new FlanctlError('E_BAD_DATA', `${entry.problem}; the value is ${JSON.stringify(shown)}`, {
    hint: `\`flanctl lease release ${formatIp4Net(entry.subnet)}\` deletes the key (its host's agent then takes a lease again).`,
  })
}

/**
 * The lease for a subnet or a public IP (with its time left); E_NOT_FOUND naming what was looked
 * for, E_BAD_DATA when the subnet's key holds a value that does not decode.
 */
export async function findLease(store: LeaseStore, selector: LeaseSelector): Promise<Lease> {
  const found = lookUp(await store.listLeases({withTtl: true}), store, selector)
  if (found.unreadable !== undefined) throw malformedError(found.unreadable)
  return found.lease
}

export type FoundLease = {lease: Lease; unreadable?: undefined} | {lease?: undefined; unreadable: UnreadableLease}

/** What holds the selected key: a lease, or (by subnet only) a key whose value is malformed. */
function lookUp(list: LeaseList, store: LeaseStore, selector: LeaseSelector): FoundLease {
  const matches = list.leases.filter((lease) =>
    selector.subnet !== undefined ? ip4NetEqual(lease.subnet, selector.subnet) : lease.attrs.publicIp === selector.publicIp)
  const unreadable = unreadableFor(list, selector)
  if (matches.length === 0 && unreadable !== undefined) return {unreadable}
  if (matches.length === 0) {
    throw new FlanctlError('E_NOT_FOUND', `no lease for ${describeSelector(selector)} under ${store.prefix}/subnets (${store.description})`, {
      hint: '`flanctl subnets ls` lists the leases there are.',
    })
  }
  if (matches.length > 1) {
    throw new FlanctlError('E_CONFLICT', `${describeSelector(selector)} holds ${matches.length} leases: ${matches.map((l) => formatIp4Net(l.subnet)).join(', ')}`, {
      hint: 'Name the lease by its subnet instead.',
    })
  }
  return {lease: matches[0]}
}

export async function renewLeaseNow(store: LeaseStore, selector: LeaseSelector): Promise<{lease: Lease; wasReservation: boolean}> {
  const lease = await findLease(store, selector)
  if (lease.reservation) return {lease, wasReservation: true}
  const renewed = await store.renewLease(lease, lease.attrs, LEASE_TTL_SECONDS)
  return {lease: {...renewed, ttlSeconds: renewed.ttlSeconds ?? LEASE_TTL_SECONDS}, wasReservation: false}
}

/** Deletes the lease's key; a key whose value is malformed is deleted too (nothing else can fix it). */
export async function releaseLease(store: LeaseStore, selector: LeaseSelector): Promise<FoundLease> {
  const found = lookUp(await store.listLeases({withTtl: true}), store, selector)
  await store.deleteLease(found.lease !== undefined ? found.lease.key : found.unreadable.key)
  return found
}

export interface ReserveOutcome {
  lease: Lease
  /** what the key held before: a lease of the same public IP becomes the reservation */
  previous?: Lease
  warnings: string[]
}

/**
 * Reserves a subnet for a public IP: a lease key with no etcd lease, which never expires and
 * which `flanctl up` (or flanneld) on that host takes as its own. An existing lease of the same
 * public IP on that subnet is converted, keeping its value; one of another host is a conflict.
 */
export async function reserveSubnet(store: LeaseStore, subnet: Ip4Net, publicIp: string): Promise<ReserveOutcome> {
  const {key: configKey, config} = await readNetworkConfig(store)
  const where = `${formatIp4Net(subnet)}`
  if (config.network === undefined || !ip4NetContains(config.network, subnet.ip) || subnet.prefixLen !== config.subnetLen) {
    throw new FlanctlError('E_USAGE', `subnet ${where} is not a /${config.subnetLen} subnet of the network ${config.network === undefined ? '(none)' : formatIp4Net(config.network)} configured at ${configKey}`)
  }
  const warnings: string[] = []
  if (subnet.ip < config.subnetMin || subnet.ip > config.subnetMax) {
    warnings.push(`subnet ${where} lies outside SubnetMin..SubnetMax of ${configKey}; it is reserved anyway`)
  }
  const list = await store.listLeases()
  const unreadable = unreadableFor(list, {subnet})
  if (unreadable !== undefined) {
    throw new FlanctlError('E_CONFLICT', `subnet ${where} is held by ${unreadable.key}, whose value is malformed (${unreadable.problem})`, {
      hint: `Release it first (\`flanctl lease release ${where}\`) if its host is gone.`,
    })
  }
  const {leases} = list
  const previous = leases.find((lease) => ip4NetEqual(lease.subnet, subnet))
  const clash = leases.find((lease) => lease !== previous && ip4NetsOverlap(lease.subnet, subnet))
  if (clash !== undefined) {
    throw new FlanctlError('E_CONFLICT', `subnet ${where} overlaps the lease ${clash.key} of ${clash.attrs.publicIp}`)
  }
  if (previous !== undefined && previous.attrs.publicIp !== publicIp) {
    throw new FlanctlError('E_CONFLICT', `subnet ${where} is leased to ${previous.attrs.publicIp} (${previous.key})`, {
      hint: `Release it first (\`flanctl lease release ${where}\`) if that host is gone.`,
    })
  }
  for (const other of leases) {
    if (other !== previous && other.attrs.publicIp === publicIp) {
      warnings.push(`${publicIp} also holds ${formatIp4Net(other.subnet)} (${other.key}); release it so that its agent takes the reservation`)
    }
  }
  const attrs: LeaseAttrs = previous?.attrs ?? {
    publicIp,
    publicIpv6: null,
    // flannel writes no BackendType for udp
    ...(config.backend.type === UNNAMED_BACKEND ? {} : {backendType: config.backend.type}),
  }
  const lease = await store.putReservation(subnet, attrs)
  return {lease, previous, warnings}
}

/** Turns a reservation back into an ordinary lease that expires in 24 h unless its owner renews it. */
export async function unreserveSubnet(store: LeaseStore, subnet: Ip4Net): Promise<{lease: Lease; wasReservation: boolean}> {
  const lease = await findLease(store, {subnet})
  if (!lease.reservation) return {lease, wasReservation: false}
  const renewed = await store.renewLease({...lease, reservation: false, etcdLeaseId: undefined}, lease.attrs, LEASE_TTL_SECONDS)
  return {lease: {...renewed, ttlSeconds: renewed.ttlSeconds ?? LEASE_TTL_SECONDS}, wasReservation: true}
}

export interface AcquireForInput {
  store: LeaseStore
  publicIp: string
  /** vxlan: the VTEP's MAC; a random locally administered one when not given */
  vtepMac?: string
  previousSubnet?: Ip4Net
  random?: () => number
}

/** The lease value the config's backend publishes, as the agent will write it; an unknown backend: its type alone. */
function leaseAttrsFor(config: NetworkConfig, publicIp: string, vtepMac: string | undefined, random: () => number): LeaseAttrs {
  const backend = findBackend(config.backend.type)
  if (backend === undefined) return {publicIp, publicIpv6: null, backendType: config.backend.type}
  return backend.leaseAttrs(publicIp, config.backend, vtepMac ?? randomMac(random))
}

/** Takes a lease for a public IP with the agent's rules: its own lease, the previous subnet, or a free one. */
export async function acquireLeaseFor(input: AcquireForInput): Promise<AcquiredLease> {
  const {config} = await readNetworkConfig(input.store)
  const random = input.random ?? cryptoRandom
  return acquireLease({
    store: input.store,
    config,
    publicIp: input.publicIp,
    attrs: leaseAttrsFor(config, input.publicIp, input.vtepMac, random),
    // a reused lease keeps its VtepMAC unless one is given: that host's device has it
    reusedAttrs: (held) => leaseAttrsFor(config, input.publicIp, input.vtepMac ?? vxlanBackendData(held.attrs)?.vtepMac, random),
    previousSubnet: input.previousSubnet,
    random,
    ttlSeconds: LEASE_TTL_SECONDS,
  })
}
