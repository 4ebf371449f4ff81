// The agent's own report, served as GET /status beside /healthz and read by `flanctl diagnose`:
// whether etcd answers (the watch's health) and since when, the lease and its expiry, each
// loop's passes and last error. While anything is degraded, the agent logs its state every
// DEGRADED_LOG_INTERVAL_MS, so a silent agent means a healthy one.
import type {Logger} from '../adapters/log/logger.js'
import {formatIp4Net} from '../core/ip4.js'
import type {Lease} from '../core/types.js'
import {formatDuration, type Clock, type Timer} from './clock.js'
import type {LeaseKeeper} from './lease-keeper.js'
import type {ReconcileLoop} from './reconcile-loop.js'

export const DEGRADED_LOG_INTERVAL_MS = 30_000

export interface LoopReport {
  passes: number
  failedPasses: number
  degraded: boolean
  lastError?: string
}

export interface AgentStatus {
  state: 'ok' | 'degraded'
  startedAt: string
  etcd: {reachable: boolean; since: string}
  lease: {subnet: string; key: string; reservation: boolean; expiresAt?: string; nextRenewalAt?: string}
  routes?: LoopReport
  rules?: LoopReport
}

export interface AgentReporter {
  /** the lease book's watch health */
  watchHealth(healthy: boolean): void
  status(): AgentStatus
  stop(): void
}

export interface AgentReporterInput {
  clock: Clock
  log: Logger
  lease: () => Lease
  keeper: LeaseKeeper
  routes: () => ReconcileLoop | undefined
  rules?: ReconcileLoop
  /** wall-clock ms (Date.now): the Clock's times are turned into dates with it */
  wallNow: () => number
}

function loopReport(loop: ReconcileLoop | undefined): LoopReport | undefined {
  if (loop === undefined) return undefined
  const s = loop.status()
  return {passes: s.passes, failedPasses: s.failedPasses, degraded: s.degraded, ...(s.lastError === undefined ? {} : {lastError: s.lastError})}
}

export function createAgentReporter(input: AgentReporterInput): AgentReporter {
  const {clock, log} = input
  // clock times (monotonic) as dates
  const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(input.wallNow() - clock.now() + t).toISOString())
  const startedAt = clock.now()
  let etcd = {reachable: true, since: startedAt}
  let timer: Timer | undefined
  let stopped = false

  const status = (): AgentStatus => {
    const lease = input.lease()
    const routes = loopReport(input.routes())
    const rules = loopReport(input.rules)
    const degraded = !etcd.reachable || routes?.degraded === true || rules?.degraded === true
    return {
      state: degraded ? 'degraded' : 'ok',
      startedAt: iso(startedAt)!,
      etcd: {reachable: etcd.reachable, since: iso(etcd.since)!},
      lease: {subnet: formatIp4Net(lease.subnet), key: lease.key, reservation: lease.reservation, expiresAt: iso(input.keeper.expiresAt()), nextRenewalAt: iso(input.keeper.nextRenewalAt())},
      ...(routes === undefined ? {} : {routes}),
      ...(rules === undefined ? {} : {rules}),
    }
  }

  const tick = (): void => {
    timer = undefined
    if (stopped) return
    const s = status()
    if (s.state === 'degraded') {
      log.warn('still degraded', {
        etcd: s.etcd.reachable ? 'reachable' : `unreachable for ${formatDuration(clock.now() - etcd.since)}`,
        routes: s.routes?.lastError,
        rules: s.rules?.lastError,
        leaseExpires: s.lease.expiresAt,
      })
    }
    timer = clock.setTimer(DEGRADED_LOG_INTERVAL_MS, tick)
  }
  timer = clock.setTimer(DEGRADED_LOG_INTERVAL_MS, tick)

  return {
    watchHealth(healthy) {
      if (healthy !== etcd.reachable) etcd = {reachable: healthy, since: clock.now()}
    },
    status,
    stop() {
      stopped = true
      timer?.cancel()
    },
  }
}
