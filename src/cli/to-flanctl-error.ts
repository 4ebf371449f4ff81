// Any error a command ends with, as a FlanctlError (its code gives the exit code).
import * as Errors from '@oclif/core/errors'
import {FlanctlError} from '../core/errors.js'

/** oclif's own parse errors are usage errors; anything unexpected is internal. */
export function toFlanctlError(err: unknown): FlanctlError {
  if (err instanceof FlanctlError) return err
  if (err instanceof Errors.CLIError) {
    return new FlanctlError('E_USAGE', err.message.replace(/\n\s*See more help with --help$/, ''), {hint: 'See --help for the flags and examples.'})
  }
  const message = err instanceof Error ? err.message : String(err)
  return new FlanctlError('E_INTERNAL', message, {cause: err})
}
