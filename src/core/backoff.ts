// Exponential backoff as immutable values (the idea of cockatiel's ExponentialBackoff): a
// decision is a value, the caller owns the timer. 100 ms after the first failure, doubling up to
// 5 s, back to the start after a success. Pure: no clock, no randomness.

export interface BackoffPolicy {
  /** delay after the first failure */
  readonly initialMs: number
  /** the delay never grows past this */
  readonly maxMs: number
  readonly factor: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = {initialMs: 100, maxMs: 5000, factor: 2}

export interface Backoff {
  readonly policy: BackoffPolicy
  /** consecutive failures so far; 0 after a success */
  readonly failures: number
  /** how long to wait before the next attempt: 0 when the last attempt succeeded */
  readonly delayMs: number
}

/** A backoff with no failures yet. */
export function backoff(policy: BackoffPolicy = DEFAULT_BACKOFF): Backoff {
  return {policy, failures: 0, delayMs: 0}
}

/** The backoff after one more failure: the delay before the next attempt grows, capped at maxMs. */
export function afterFailure(state: Backoff): Backoff {
  const {policy} = state
  const failures = state.failures + 1
  // Computed from the count (not by multiplying the last delay) so the value never drifts, and
  // capped before it can overflow after many failures.
  const exponent = Math.min(failures - 1, 64)
  const delayMs = Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** exponent))
  return {policy, failures, delayMs}
}

/** The backoff after a success: back to the start. */
export function afterSuccess(state: Backoff): Backoff {
  return state.failures === 0 ? state : backoff(state.policy)
}
