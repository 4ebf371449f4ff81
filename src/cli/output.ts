// How results, warnings and errors reach the terminal, shared by the oclif base command and the
// fast path (bin/run.js), so both print the same bytes. No oclif here: the fast path must not
// load it. chalk is loaded only when something is printed in colour.
import type {FlanctlError} from '../core/errors.js'

/** Colour is off for NO_COLOR, --no-color, and output that is not a terminal. */
export function colourWanted(argv: readonly string[], stream: NodeJS.WriteStream = process.stdout): boolean {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== ''
  return !noColor && !argv.includes('--no-color') && stream.isTTY === true
}

/** What --json prints, as oclif's logJson does: two-space indented, one trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

export interface Painter {
  red(text: string): string
  yellow(text: string): string
  dim(text: string): string
}

/** chalk when colour is wanted (see colourWanted), else plain text: chalk is only loaded then. */
export async function painterFor(argv: readonly string[]): Promise<Painter> {
  if (colourWanted(argv)) return (await import('chalk')).default
  const plain = (text: string) => text
  return {red: plain, yellow: plain, dim: plain}
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
