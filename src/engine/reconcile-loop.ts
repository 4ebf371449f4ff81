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
  /** a pass is forced this often even without events (reason "resync"); default 5 s; 0: never */
  resyncIntervalMs?: number
  /** a lighter pass is asked this often (reason "check"; the pass decides what it checks); default 0: never */
  checkIntervalMs?: number
  backoff?: BackoffPolicy
  /** under sustained churn (more than eventsPerSecond marks in the last second), passes start at most every minIntervalMs */
  busy?: {eventsPerSecond: number; minIntervalMs: number}
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
  let lastPassStart = Number.NEGATIVE_INFINITY
  let retryAt = Number.NEGATIVE_INFINITY
  let retry: Backoff = backoff(options.backoff ?? DEFAULT_BACKOFF)
  const status: ReconcileLoopStatus = {passes: 0, failedPasses: 0, changes: 0, dirty: false, degraded: false}
  let succeeded!: () => void
  const firstSuccess = new Promise<void>((resolve) => (succeeded = resolve))
  let passed!: () => void
  const firstPass = new Promise<void>((resolve) => (passed = resolve))

  // clock times of the marks of the last second (only kept when `busy` is asked for)
  const recentMarks: number[] = []
  const spacing = (): number => {
    const busy = options.busy
    if (busy === undefined) return minIntervalMs
    const since = clock.now() - 1000
    while (recentMarks.length > 0 && recentMarks[0]! <= since) recentMarks.shift()
    return recentMarks.length > busy.eventsPerSecond ? Math.max(minIntervalMs, busy.minIntervalMs) : minIntervalMs
  }

  const schedule = (): void => {
    if (!started || stopped || running || passTimer || !dirty) return
    const due = Math.max(lastPassStart + spacing(), retryAt)
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

  // the periodic marks: the full resync and the light check, each re-armed after it fires
  const timers = new Map<string, Timer>()
  const every = (intervalMs: number, reason: string): void => {
    if (intervalMs <= 0 || stopped) return
    timers.set(
      reason,
      clock.setTimer(intervalMs, () => {
        timers.delete(reason)
        loop.markDirty(reason)
        every(intervalMs, reason)
      }),
    )
  }

  const loop: ReconcileLoop = {
    markDirty(reason) {
      if (stopped) return
      if (options.busy !== undefined && reason !== 'check' && reason !== 'resync') recentMarks.push(clock.now())
      dirty = true
      reasons.add(reason)
      schedule()
    },
    start() {
      if (started) return
      started = true
      every(resyncIntervalMs, 'resync')
      every(options.checkIntervalMs ?? 0, 'check')
      loop.markDirty('start')
    },
    async stop() {
      stopped = true
      passTimer?.cancel()
      for (const timer of timers.values()) timer.cancel()
      timers.clear()
      passTimer = undefined
      await running
    },
    status: () => ({...status, dirty}),
    firstSuccess,
    firstPass,
  }
  return loop
}
