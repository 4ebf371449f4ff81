// The agent's patience: steps that etcd or a later fix can make succeed are retried with backoff
// (100 ms .. 5 s), each failure logged with what was being done and where. Errors that waiting
// cannot fix (a bad flag, a wrong password, a rejected certificate) end the agent at once.
import type {LogFields, Logger} from '../adapters/log/logger.js'
import {afterFailure, backoff} from '../core/backoff.js'
import {FlanctlError, type FlanctlErrorCode} from '../core/errors.js'
import {formatDuration, sleep, type Clock} from './clock.js'

/** Codes worth waiting out: etcd down, config not written yet or being fixed, subnets freed later, a lost race. */
export const RETRYABLE_CODES: ReadonlySet<FlanctlErrorCode> = new Set(['E_NO_CONFIG', 'E_INVALID_CONFIG', 'E_ETCD_UNREACHABLE', 'E_SUBNETS_EXHAUSTED', 'E_CONFLICT'])

function retryable(error: unknown): boolean {
  return !(error instanceof FlanctlError) || RETRYABLE_CODES.has(error.code)
}

/** Thrown when the agent's signal aborted a step; runAgent turns it into a clean stop. */
export class Stopped extends Error {}

export interface RetryContext {
  clock: Clock
  log: Logger
  signal: AbortSignal
}

/** Runs attempt until it succeeds; throws Stopped when signalled and rethrows errors that waiting cannot fix. */
export async function retrying<T>(ctx: RetryContext, doing: string, where: LogFields, attempt: () => Promise<T>): Promise<T> {
  let state = backoff()
  let lastHint: string | undefined
  for (;;) {
    if (ctx.signal.aborted) throw new Stopped()
    try {
      return await attempt()
    } catch (error) {
      if (ctx.signal.aborted) throw new Stopped()
      if (!retryable(error)) throw error
      state = afterFailure(state)
      const hint = error instanceof FlanctlError ? error.hint : undefined
      ctx.log.warn(`${doing} failed`, {
        ...where,
        code: error instanceof FlanctlError ? error.code : undefined,
        error: error instanceof Error ? error.message : String(error),
        retryIn: formatDuration(state.delayMs),
        // the hint once, and again when it changes: the same advice every 5 s is noise
        hint: hint !== lastHint ? hint : undefined,
      })
      lastHint = hint
      await sleep(ctx.clock, state.delayMs, ctx.signal)
    }
  }
}

/** Resolves when the signal aborts (never rejects). */
export function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    signal.addEventListener('abort', () => resolve(), {once: true})
  })
}
