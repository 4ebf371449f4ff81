// Time for the engine. Everything in it that waits (reconcile passes, backoff, resync, lease
// renewal, config retries, the rules' grace period) asks a Clock, so engine tests drive time
// with a fake one. (Child processes' own timeouts are the process runner's, in real time.)

export interface Timer {
  cancel(): void
}

export interface Clock {
  /** milliseconds, monotonic enough for scheduling */
  now(): number
  /** calls fn once after delayMs (0: as soon as the current events are handled) */
  setTimer(delayMs: number, fn: () => void): Timer
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(delayMs, fn) {
    // setImmediate for "now": a 0 ms setTimeout costs a millisecond, and the event-to-route path
    // is measured in milliseconds; it still lets events delivered in the same tick coalesce.
    if (delayMs <= 0) {
      const handle = setImmediate(fn)
      return {cancel: () => clearImmediate(handle)}
    }
    const handle = setTimeout(fn, delayMs)
    return {cancel: () => clearTimeout(handle)}
  },
}

/** Resolves after delayMs, or as soon as signal aborts (never rejects). */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      timer.cancel()
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = clock.setTimer(delayMs, done)
    signal?.addEventListener('abort', done, {once: true})
  })
}

/** "350ms", "1.6s", "5s", "1m": durations in log lines. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))}m`
  return `${Number((ms / 3_600_000).toFixed(1))}h`
}
