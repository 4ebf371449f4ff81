// A lab's name: it becomes part of every namespace name (flab-<name>-h1), so it stays short.
import {FlanctlError} from '../core/errors.js'

export function validateLabName(name: string): void {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) {
    throw new FlanctlError('E_USAGE', `lab name "${name}" is not valid (--name)`, {hint: 'Use 1 to 12 lower-case letters or digits, starting with a letter, e.g. --name lab2.'})
  }
}
