// Keeps our lease alive: renew it `renewMarginMinutes` before it expires (flannel's
// --subnet-lease-renew-margin), retrying every minute when etcd does not answer. A reservation
// (a key with no etcd lease) never expires and is never renewed: renewing it would turn it into
// an expiring lease (flannel issue #1329).
import type {Logger} from '../adapters/log/logger.js'
import {formatIp4Net} from '../core/ip4.js'
import type {LeaseStore} from '../core/ports.js'
import {LEASE_TTL_SECONDS, type Lease} from '../core/types.js'
import {formatDuration, type Clock, type Timer} from './clock.js'

export const DEFAULT_RENEW_MARGIN_MINUTES = 60
const RENEW_RETRY_MS = 60_000

export interface LeaseKeeperOptions {
  clock: Clock
  log: Logger
  store: Pick<LeaseStore, 'renewLease'>
  lease: Lease
  /** minutes before expiry to renew: 1..1439 */
  renewMarginMinutes: number
  ttlSeconds?: number
  retryMs?: number
  /** the lease after a renewal (a new etcd lease id) */
  onRenewed?: (lease: Lease) => void
}

export interface LeaseKeeper {
  lease(): Lease
  /** clock time of expiry; undefined for a reservation */
  expiresAt(): number | undefined
  /** clock time of the next renewal attempt; undefined for a reservation or when stopped */
  nextRenewalAt(): number | undefined
  /** renews now (our value written again); failures retry as usual */
  renewNow(): Promise<void>
  stop(): void
}

export function startLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const {clock, log, store, renewMarginMinutes} = options
  const ttlSeconds = options.ttlSeconds ?? LEASE_TTL_SECONDS
  const retryMs = options.retryMs ?? RENEW_RETRY_MS
  const marginMs = renewMarginMinutes * 60_000
  let current = options.lease
  let expiresAt: number | undefined
  let nextAt: number | undefined
  let timer: Timer | undefined
  let stopped = false

  const arm = (delayMs: number): void => {
    nextAt = clock.now() + delayMs
    timer = clock.setTimer(delayMs, () => void renew())
  }

  const armForExpiry = (): void => {
    expiresAt = clock.now() + (current.ttlSeconds ?? ttlSeconds) * 1000
    arm(Math.max(0, expiresAt - marginMs - clock.now()))
  }

  const renew = async (): Promise<void> => {
    timer = undefined
    if (stopped) return
    try {
      const renewed = await store.renewLease(current, current.attrs, ttlSeconds)
      if (stopped) return
      current = renewed
      armForExpiry()
      log.info('lease renewed', {subnet: formatIp4Net(current.subnet), expiresIn: formatDuration((expiresAt ?? 0) - clock.now())})
      options.onRenewed?.(current)
    } catch (error) {
      if (stopped) return
      const left = (expiresAt ?? 0) - clock.now()
      log.warn('lease renewal failed', {
        subnet: formatIp4Net(current.subnet),
        error: error instanceof Error ? error.message : String(error),
        retryIn: formatDuration(retryMs),
        expiresIn: formatDuration(Math.max(0, left)),
      })
      arm(retryMs)
    }
  }

  if (current.reservation) {
    log.info('lease is a reservation: it never expires, no renewal', {subnet: formatIp4Net(current.subnet)})
  } else {
    armForExpiry()
  }

  return {
    lease: () => current,
    expiresAt: () => expiresAt,
    nextRenewalAt: () => (stopped ? undefined : nextAt),
    renewNow() {
      timer?.cancel()
      return renew()
    },
    stop() {
      stopped = true
      timer?.cancel()
      timer = undefined
    },
  }
}
