// One level-triggered loop. Watch events and a periodic resync only mark the state dirty; a pass
// recomputes everything from the full state (desired against observed) and applies the
// difference, so a missed event, a route deleted by hand and a failed apply are all repaired the
// same way. Bursts coalesce: a pass starts at most every minIntervalMs, but the first change after
// an idle period runs at once (event-to-route latency). A failed pass leaves the state dirty and
// is retried with exponential backoff. The only timers are the Clock's.
import {afterFailure, afterSuccess, backoff, DEFAULT_BACKOFF, type Backoff, type BackoffPolicy} from '../core/backoff.js'
import type {LogFields, Logger} from '../adapters/log/logger.js'
import {formatDuration, type Clock, type Timer} from './clock.js'

export interface PassOutcome {
  /** how many changes the pass applied (0: the state already matched) */
  changes: number
  /** extra detail for the "pass applied" line, e.g. {replace: 3, delete: 0} */
  fields?: LogFields
}

export interface ReconcileLoopOptions {
  /** names the loop in log lines: "routes", "rules" */
  name: string
  clock: Clock
  log: Logger
  /** one pass: observe, compare, apply; throws when it could not finish */
  reconcile: (reasons: readonly string[]) => Promise<PassOutcome>
  /** passes start at most this often; default 100 ms */
  minIntervalMs?: number
  /** a pass is forced this often even without events; default 5 s; 0: never */
  resyncIntervalMs?: number
  backoff?: BackoffPolicy
}

export interface ReconcileLoopStatus {
  passes: number
  failedPasses: number
  changes: number
  dirty: boolean
  degraded: boolean
  lastError?: string
}

export interface ReconcileLoop {
  /** something may have changed: a pass will run soon */
  markDirty(reason: string): void
  /** arms the resync timer and runs a first pass */
  start(): void
  /** no new passes; resolves when a pass in progress has finished */
  stop(): Promise<void>
  status(): ReconcileLoopStatus
  /** resolves after the first pass that succeeded (readiness waits for the rules this way) */
  readonly firstSuccess: Promise<void>
  /** resolves after the first pass, whether it succeeded or failed */
  readonly firstPass: Promise<void>
}

export function createReconcileLoop(options: ReconcileLoopOptions): ReconcileLoop {
  const {name, clock, log, reconcile} = options
  const minIntervalMs = options.minIntervalMs ?? 100
  const resyncIntervalMs = options.resyncIntervalMs ?? 5000

  let started = false
  let stopped = false
  let dirty = false
  let reasons = new Set<string>()
  let running: Promise<void> | undefined
  let passTimer: Timer | undefined
  let resyncTimer: Timer | undefined
  let lastPassStart = Number.NEGATIVE_INFINITY
  let retryAt = Number.NEGATIVE_INFINITY
  let retry: Backoff = backoff(options.backoff ?? DEFAULT_BACKOFF)
  const status: ReconcileLoopStatus = {passes: 0, failedPasses: 0, changes: 0, dirty: false, degraded: false}
  let succeeded!: () => void
  const firstSuccess = new Promise<void>((resolve) => (succeeded = resolve))
  let passed!: () => void
  const firstPass = new Promise<void>((resolve) => (passed = resolve))

  const schedule = (): void => {
    if (!started || stopped || running || passTimer || !dirty) return
    const due = Math.max(lastPassStart + minIntervalMs, retryAt)
    passTimer = clock.setTimer(Math.max(0, due - clock.now()), () => {
      passTimer = undefined
      runPass()
    })
  }

  const runPass = (): void => {
    if (stopped || !dirty) return
    const passReasons = [...reasons]
    dirty = false
    reasons = new Set()
    lastPassStart = clock.now()
    running = (async () => {
      status.passes++
      try {
        const outcome = await reconcile(passReasons)
        status.changes += outcome.changes
        if (status.degraded) {
          log.info('recovered', {loop: name, after: `${retry.failures} failed passes`})
          status.degraded = false
          status.lastError = undefined
        }
        retry = afterSuccess(retry)
        retryAt = Number.NEGATIVE_INFINITY
        succeeded()
        if (outcome.changes > 0) {
          log.info(`pass applied ${outcome.changes} ${outcome.changes === 1 ? 'change' : 'changes'}`, {loop: name, ...outcome.fields, reasons: passReasons.join(',')})
        }
      } catch (error) {
        status.failedPasses++
        const message = error instanceof Error ? error.message : String(error)
        dirty = true
        reasons.add('retry')
        retry = afterFailure(retry)
        retryAt = clock.now() + retry.delayMs
        // One line when it starts failing, and again only when the reason changes: a retry every
        // 5 s with the same message would bury everything else in the log.
        if (!status.degraded || status.lastError !== message) {
          log.warn('degraded', {loop: name, error: message, retryIn: formatDuration(retry.delayMs)})
        }
        status.degraded = true
        status.lastError = message
      } finally {
        running = undefined
        passed()
        schedule()
      }
    })()
  }

  const armResync = (): void => {
    if (resyncIntervalMs <= 0 || stopped) return
    resyncTimer = clock.setTimer(resyncIntervalMs, () => {
      resyncTimer = undefined
      loop.markDirty('resync')
      armResync()
    })
  }

  const loop: ReconcileLoop = {
    markDirty(reason) {
      if (stopped) return
      dirty = true
      reasons.add(reason)
      schedule()
    },
    start() {
      if (started) return
      started = true
      armResync()
      loop.markDirty('start')
    },
    async stop() {
      stopped = true
      passTimer?.cancel()
      resyncTimer?.cancel()
      passTimer = undefined
      resyncTimer = undefined
      await running
    },
    status: () => ({...status, dirty}),
    firstSuccess,
    firstPass,
  }
  return loop
}
