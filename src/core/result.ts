// Decoders and rules return a Result instead of throwing: bad input from etcd or a file is an
// expected value, and the caller decides whether it is a warning or a fatal error.
import type {FlanctlErrorCode} from './errors.js'

export interface Problem {
  code: FlanctlErrorCode
  message: string
}

export type Result<T> = {ok: true; value: T} | {ok: false; error: Problem}

export const ok = <T>(value: T): Result<T> => ({ok: true, value})
export const fail = <T = never>(code: FlanctlErrorCode, message: string): Result<T> => ({ok: false, error: {code, message}})
