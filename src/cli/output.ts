// The one printer's texts: what a result, a warning and an error look like, for people and under
// --json. run-command.ts writes them (results on stdout, the rest on stderr).
import type {FlanctlError} from '../core/errors.js'
import type {Painter} from './painter.js'

/** What --json prints: two-space indented, one trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** A rendered result as printed: nothing for '', else one trailing newline. */
export function resultText(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`
}

export function warningText(message: string, paint: Painter): string {
  return `${paint.yellow('warning:')} ${message}\n`
}

export function errorText(error: FlanctlError, paint: Painter): string {
  let text = `${paint.red('error')} ${paint.dim(`[${error.code}]`)} ${error.message}\n`
  if (error.hint) text += `${paint.dim('hint:')} ${error.hint}\n`
  return text
}

/** The --json document of a failure. */
export function errorJson(error: FlanctlError, warnings: string[]): object {
  return {error: {code: error.code, message: error.message, hint: error.hint}, warnings}
}
