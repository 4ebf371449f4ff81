// Our own lease key written by someone else: a second host started with this host's public IP
// reuses our lease by flannel's rule and overwrites its value (its VtepMAC), which breaks every
// peer's path to us. The guard says so loudly (error log, degraded reason: /readyz 503) and puts
// our value back, without a fight while both run:
//   - the host that was there first (it did not take the lease over) re-asserts its value once
//     the other value has stayed unchanged for holdOffMs (each new foreign write restarts the wait);
//   - a host that took over a lease holding another VtepMAC (the newcomer) yields when its value
//     is overwritten: it stops renewing and stays degraded until restarted with the right address.
// So two flanctl hosts settle after one re-assert; against flanneld, which writes only at start and
// at renewal, the first host re-asserts after each of those writes.
import type {Logger} from '../adapters/log/logger.js'
import {encodeLeaseAttrs} from '../core/lease-codec.js'
import type {Lease, LeaseAttrs} from '../core/types.js'
import type {Clock, Timer} from './clock.js'
import {formatDuration} from './clock.js'
import type {HealthState} from './health-state.js'

export const DUPLICATE_PUBLIC_IP = 'duplicate-public-ip'
/** how long a foreign value must stay unchanged before the first host puts its own back */
export const DEFAULT_OWN_LEASE_HOLD_OFF_MS = 30_000

export interface OwnLeaseGuardOptions {
  clock: Clock
  log: Logger
  health: HealthState
  /** the value we publish */
  ours: LeaseAttrs
  /** this host took the lease over from another VtepMAC at start: it yields instead of re-asserting */
  newcomer: boolean
  holdOffMs?: number
  /** writes our value again (a renewal) */
  reassert: () => Promise<void>
  /** the newcomer gives up the key: stop renewing it */
  onYield: () => void
}

export interface OwnLeaseGuard {
  /** a put of our own key seen by the watch or a relist */
  onOwnPut(lease: Lease): void
  stop(): void
}

function describeValue(attrs: LeaseAttrs): string {
  return encodeLeaseAttrs(attrs)
}

export function createOwnLeaseGuard(options: OwnLeaseGuardOptions): OwnLeaseGuard {
  const {clock, log, health} = options
  const holdOffMs = options.holdOffMs ?? DEFAULT_OWN_LEASE_HOLD_OFF_MS
  const ours = describeValue(options.ours)
  let overwritten = false
  let yielded = false
  let timer: Timer | undefined
  let stopped = false

  const arm = (): void => {
    timer?.cancel()
    timer = clock.setTimer(holdOffMs, () => {
      timer = undefined
      if (stopped || !overwritten) return
      log.warn('putting our lease value back', {detail: `the other value stayed unchanged for ${formatDuration(holdOffMs)}`})
      options.reassert().catch((error: Error) => {
        log.warn('could not put our lease value back', {error: error.message})
        if (!stopped && overwritten) arm()
      })
    })
  }

  return {
    onOwnPut(lease) {
      if (stopped) return
      const value = describeValue(lease.attrs)
      if (value === ours) {
        if (!overwritten) return
        overwritten = false
        timer?.cancel()
        timer = undefined
        health.clear(DUPLICATE_PUBLIC_IP)
        log.info('own lease value restored', {key: lease.key})
        return
      }
      overwritten = true
      const detail = `our lease ${lease.key} was overwritten by another writer (PublicIP ${lease.attrs.publicIp}): two hosts probably use one public IP`
      health.set(DUPLICATE_PUBLIC_IP, detail)
      log.error('own lease overwritten by another host', {
        key: lease.key,
        theirs: value,
        ours,
        hint: 'two hosts use one public IP (a copied --public-ip, or a NAT address such as Vagrant\'s 10.0.2.15): give each host its own with --public-ip or --iface',
      })
      if (options.newcomer || yielded) {
        if (!yielded) {
          yielded = true
          options.onYield()
          log.error('yielding the lease to the host that held it before us', {key: lease.key, detail: 'no renewals, no re-assert; fix the public IP and restart this agent'})
        }
        return
      }
      arm()
    },
    stop() {
      stopped = true
      timer?.cancel()
      timer = undefined
    },
  }
}
