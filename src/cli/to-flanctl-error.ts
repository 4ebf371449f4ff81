// Any error a command ends with, as a FlanctlError (its code gives the exit code): anything
// that is not one already is internal.
import {FlanctlError} from '../core/errors.js'

export function toFlanctlError(err: unknown): FlanctlError {
  if (err instanceof FlanctlError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new FlanctlError('E_INTERNAL', message, {cause: err})
}
