// The in-memory set of leases, kept from one list and then the watch. It answers the reconcile
// pass ("which peers?") and turns watch events into log lines and "dirty" marks; it never talks
// to the kernel. Our own lease is never a peer, but its deletion (by hand, or expiry after failed
// renewals) is the signal to stop. Leases of another backend type are not peers either: flannel
// ignores them, and programming a vxlan neighbour for a host-gw host would be wrong.
import type {Logger} from '../adapters/log/logger.js'
import {formatIp4Net} from '../core/ip4.js'
import type {LeaseList, LeaseWatchSink} from '../core/ports.js'
import {leaseBackendType} from '../core/lease-codec.js'
import {leaseProblem, type LeaseShape} from '../core/peer-validation.js'
import {isPeer as isPeerOf} from '../core/peers.js'
import type {Lease} from '../core/types.js'

export interface LeaseBookOptions {
  ownKey: string
  /** our backend type; peers must have the same */
  backendType: string
  log: Logger
  /** the peer set may have changed */
  onChange: (reason: string) => void
  /** our own lease left etcd (deleted, or expired): the agent must stop */
  onOwnLeaseDeleted: (how: 'deleted' | 'missing after resync') => void
  /** the watch is unhealthy / healthy again */
  onWatchHealth?: (healthy: boolean) => void
  /** a put of our own key (ours, or another writer's): the own-lease guard judges it */
  onOwnPut?: (lease: Lease) => void
  /** what a peer's lease must look like (Network, SubnetLen, not our addresses); absent: not checked */
  shape?: LeaseShape
}

export interface LeaseBook extends LeaseWatchSink {
  /** leases of hosts other than us with our backend type, in key order */
  peers(): Lease[]
  /** every lease seen, ours and other backends included */
  size(): number
  ownLease(): Lease | undefined
  /** the first full list: no "peer added" line per lease, one summary line */
  load(list: LeaseList): void
}

export function createLeaseBook(options: LeaseBookOptions): LeaseBook {
  const {ownKey, backendType, log, onChange, onOwnLeaseDeleted} = options
  const leases = new Map<string, Lease>()
  let peerCache: Lease[] | undefined
  let ownDeleted = false
  let watchHealthy = true
  // key -> why it is not a peer, as last warned
  const ignoredKeys = new Map<string, string>()
  // computed once per lease value (by key: the value it was computed for), not at every pass
  const problems = new Map<string, {lease: Lease; problem: string | undefined}>()

  const problemOf = (lease: Lease): string | undefined => {
    if (options.shape === undefined) return undefined
    const known = problems.get(lease.key)
    if (known?.lease === lease) return known.problem
    const problem = leaseProblem(lease, options.shape)
    problems.set(lease.key, {lease, problem})
    return problem
  }

  const isPeer = (lease: Lease): boolean => isPeerOf(lease, {ownKey, backendType}) && problemOf(lease) === undefined

  const describe = (lease: Lease) => ({subnet: formatIp4Net(lease.subnet), publicIp: lease.attrs.publicIp, backend: leaseBackendType(lease.attrs)})

  const noteIgnored = (lease: Lease): void => {
    // once per key and reason: a mixed-backend cluster or a bad lease is worth one line, not one per resync
    if (lease.key === ownKey) return
    const otherType = !isPeerOf(lease, {ownKey, backendType})
    const why = otherType ? 'another backend type' : (problemOf(lease) ?? '')
    if (ignoredKeys.get(lease.key) === why) return
    ignoredKeys.set(lease.key, why)
    if (otherType) log.warn('ignoring lease of another backend type', {...describe(lease), ours: backendType, key: lease.key})
    else log.warn('skipping lease: not a valid peer, nothing programmed', {key: lease.key, detail: why})
  }

  const sameLease = (a: Lease, b: Lease): boolean =>
    a.attrs.publicIp === b.attrs.publicIp && leaseBackendType(a.attrs) === leaseBackendType(b.attrs) && JSON.stringify(a.attrs.backendData) === JSON.stringify(b.attrs.backendData)

  /** Records one lease; logs and reports whether the peer set changed. */
  const put = (lease: Lease, quiet: boolean): boolean => {
    const before = leases.get(lease.key)
    leases.set(lease.key, lease)
    if (lease.key === ownKey) return false
    const wasPeer = before !== undefined && isPeer(before)
    const nowPeer = isPeer(lease)
    if (!nowPeer) {
      noteIgnored(lease)
      if (wasPeer && !quiet) log.info('peer removed', {...describe(before), key: lease.key})
      return wasPeer
    }
    ignoredKeys.delete(lease.key)
    if (!wasPeer) {
      if (!quiet) log.info('peer added', {...describe(lease), key: lease.key})
      return true
    }
    if (sameLease(before, lease)) return false // a renewal: same value, new etcd lease
    if (!quiet) log.info('peer changed', {...describe(lease), key: lease.key})
    return true
  }

  const remove = (key: string): boolean => {
    const before = leases.get(key)
    leases.delete(key)
    ignoredKeys.delete(key)
    const wasPeer = before !== undefined && isPeer(before)
    problems.delete(key)
    if (!wasPeer) return false
    log.info('peer removed', {...describe(before), key})
    return true
  }

  const ownGone = (how: 'deleted' | 'missing after resync'): void => {
    if (ownDeleted) return
    ownDeleted = true
    onOwnLeaseDeleted(how)
  }

  const watchIsHealthy = (): void => {
    if (watchHealthy) return
    watchHealthy = true
    log.info('recovered', {loop: 'watch'})
    options.onWatchHealth?.(true)
  }

  const changed = (reason: string): void => {
    peerCache = undefined
    onChange(reason)
  }

  const book: LeaseBook = {
    peers() {
      peerCache ??= [...leases.values()].filter(isPeer).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      return peerCache
    },
    size: () => leases.size,
    ownLease: () => leases.get(ownKey),
    load(list) {
      leases.clear()
      problems.clear()
      for (const lease of list.leases) put(lease, true)
      for (const warning of list.warnings) log.warn('skipping malformed lease', {detail: warning})
      // marked before the count, so that the peers are sorted out once: for this line and the first pass
      changed('list')
      log.info('leases listed', {peers: book.peers().length, total: leases.size, revision: list.revision})
      // deleted between acquiring it and this list: the watch starts after, so it would never say
      if (!leases.has(ownKey)) ownGone('deleted')
    },
    onPut(lease) {
      watchIsHealthy()
      if (lease.key === ownKey) options.onOwnPut?.(lease)
      if (put(lease, false)) changed('put')
    },
    onDelete(key) {
      watchIsHealthy()
      if (key === ownKey) {
        leases.delete(key)
        ownGone('deleted')
        return
      }
      if (remove(key)) changed('delete')
    },
    onWarning(message) {
      log.warn('skipping malformed lease', {detail: message})
    },
    onResync(list) {
      watchIsHealthy()
      const seen = new Set<string>()
      let anyChange = false
      for (const lease of list.leases) {
        seen.add(lease.key)
        if (lease.key === ownKey) options.onOwnPut?.(lease)
        if (put(lease, false)) anyChange = true
      }
      for (const key of [...leases.keys()]) {
        if (seen.has(key) || key === ownKey) continue
        if (remove(key)) anyChange = true
      }
      for (const warning of list.warnings) log.warn('skipping malformed lease', {detail: warning})
      log.info('leases listed again', {peers: book.peers().length, total: list.leases.length, revision: list.revision})
      if (!seen.has(ownKey)) {
        leases.delete(ownKey)
        ownGone('missing after resync')
      }
      // a resync always marks dirty: the pass is cheap when nothing changed, and the list is the truth
      changed(anyChange ? 'resync-changed' : 'resync')
    },
    onError(error) {
      if (watchHealthy) {
        watchHealthy = false
        log.warn('degraded', {loop: 'watch', error: error.message})
        options.onWatchHealth?.(false)
      } else {
        log.debug('watch retry failed', {error: error.message})
      }
    },
  }
  return book
}
