// Taking a subnet lease the way flanneld does (tryAcquireLease): list the leases, let core's
// chooseSubnet pick (our own lease by public IP, then the previous subnet.env subnet, then a
// random free one), delete our own leases that no longer fit the config, then either refresh the
// reused lease's value or create the chosen key in one transaction. Losing the create race to
// another host just means listing and choosing again, a bounded number of times.
import {FlanctlError} from '../core/errors.js'
import {formatIp4Net} from '../core/ip4.js'
import type {LeaseList, LeaseStore} from '../core/ports.js'
import {chooseSubnet} from '../core/subnet-choice.js'
import {LEASE_TTL_SECONDS, type Ip4Net, type Ip6Net, type Lease, type LeaseAttrs, type NetworkConfig} from '../core/types.js'

/** flannel's raceRetries */
const MAX_ACQUIRE_ATTEMPTS = 10

export interface AcquireLeaseInput {
  store: LeaseStore
  config: NetworkConfig
  /** our public IP (PublicIP in the lease value) */
  publicIp: string
  /** the lease value to publish */
  attrs: LeaseAttrs
  /** the value to publish when our own lease is reused (default: attrs); `lease acquire` keeps its VtepMAC */
  reusedAttrs?: (held: Lease) => LeaseAttrs
  /** FLANNEL_SUBNET of the previous subnet.env, host bits masked */
  previousSubnet?: Ip4Net
  previousIpv6Subnet?: Ip6Net
  /** a number in [0, 1) */
  random: () => number
  /** the etcd lease TTL; default 86400 s */
  ttlSeconds?: number
  /** attempts when other hosts keep taking the chosen subnet first; default 10 */
  maxAttempts?: number
  /** one line per step worth telling (stale lease deleted, race lost) */
  log?: (message: string) => void
  /** a list asked for earlier (the agent lists while it reads the config): the first attempt's, when it succeeded */
  firstList?: Promise<LeaseList>
}

export interface AcquiredLease {
  lease: Lease
  /** reuse: our lease was already there; previous: subnet.env's subnet; new: a free one */
  how: 'reuse' | 'previous' | 'new'
  /** keys of our old leases that no longer fit the config and were deleted */
  deletedStale: string[]
  /** the leases as listed for the choice, with ours as it is now: the agent's first view of its peers */
  list: LeaseList
}

/** The list with our lease put in (created or refreshed after the list was read) and deleted stale keys taken out. */
function withOwnLease(list: LeaseList, lease: Lease, deleted: readonly string[]): LeaseList {
  const gone = new Set([lease.key, ...deleted])
  return {...list, leases: [...list.leases.filter((l) => !gone.has(l.key)), lease]}
}

export async function acquireLease(input: AcquireLeaseInput): Promise<AcquiredLease> {
  const {store, config, publicIp, attrs} = input
  const ttlSeconds = input.ttlSeconds ?? LEASE_TTL_SECONDS
  const maxAttempts = input.maxAttempts ?? MAX_ACQUIRE_ATTEMPTS
  const deletedStale: string[] = []
  const lost: string[] = []
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const list = (attempt === 1 ? await input.firstList?.catch(() => undefined) : undefined) ?? (await store.listLeases())
    const {leases, unreadable} = list
    const choice = chooseSubnet({
      config,
      leases,
      unreadable,
      previousSubnet: input.previousSubnet,
      previousIpv6Subnet: input.previousIpv6Subnet,
      publicIp,
      random: input.random,
    })
    if (!choice.ok) throw new FlanctlError(choice.error.code, `${choice.error.message} (${store.description})`)
    const chosen = choice.value
    for (const stale of chosen.staleLeases) {
      await store.deleteLease(stale.key)
      deletedStale.push(stale.key)
      input.log?.(`deleted our old lease ${stale.key}: it does not fit the network config`)
    }
    if (chosen.kind === 'reuse') {
      // the value is refreshed (a new VtepMAC after a reboot); a reservation stays a reservation
      const lease = await store.renewLease(chosen.lease, input.reusedAttrs?.(chosen.lease) ?? attrs, ttlSeconds)
      return {lease, how: 'reuse', deletedStale, list: withOwnLease(list, lease, deletedStale)}
    }
    const made = await store.createLease(chosen.subnet, attrs, ttlSeconds)
    if (made.created) return {lease: made.lease, how: chosen.kind, deletedStale, list: withOwnLease(list, made.lease, deletedStale)}
    lost.push(formatIp4Net(chosen.subnet))
    input.log?.(`subnet ${formatIp4Net(chosen.subnet)} was taken by another host meanwhile; choosing again`)
  }
  throw new FlanctlError('E_CONFLICT', `could not take a subnet for ${publicIp}: other hosts took the chosen one first ${maxAttempts} times (${lost.join(', ')}) (${store.description})`, {
    hint: 'Many hosts are starting at once; try again.',
  })
}
