// What a flanctl command is: its help texts, its flag and argument tables, and its work (flags
// in, a typed result out) and the human view of that result. Plain data and functions, no oclif:
// the start path (main.ts) runs it directly; oclif gets a Command class made from it
// (oclif-command.ts) for help, the manifest and completion.
import type {FlanctlError} from '../core/errors.js'
import type {ArgTable, ArgValues, FlagTable, FlagValues} from './flag-spec.js'
import {globalFlags, jsonFlag} from './global-flags.js'
import type {Painter} from './painter.js'

/** The program running the command: from package.json. */
export interface CliInfo {
  name: string
  version: string
}

export interface CommandContext<F extends FlagTable, A extends ArgTable> {
  flags: FlagValues<F & typeof globalFlags>
  args: ArgValues<A>
  /** the arguments in order; for `strict: false`, those beyond `args` too */
  argv: string[]
  /** the words after the command id as parsed (after flanneld spellings were rewritten): tells a flag from its FLANNELD_* variable */
  commandLine: readonly string[]
  cli: CliInfo
  /** a warning goes into the result's `warnings` and, for people, onto stderr */
  warn(message: string): void
}

export interface CommandDefinition<F extends FlagTable = FlagTable, A extends ArgTable = ArgTable, T extends object = object> {
  summary: string
  description?: string
  examples: string[]
  aliases?: string[]
  flags: F
  args?: A
  /** false: arguments beyond `args` are passed on (in `argv`) */
  strict?: boolean
  /** false: no --json (the result is not printed) */
  json?: boolean
  /** accept flanneld's spellings: `-flag`, `--bool=false` (go-flag-argv.ts) */
  flanneldSpellings?: boolean
  run(context: CommandContext<F, A>): Promise<T>
  render(result: T, view: {paint: Painter; flags: FlagValues<F & typeof globalFlags>}): string
  /** replaces the printing of a failure after the flags were parsed (up logs it in its log format) */
  reportFailure?(error: FlanctlError, flags: FlagValues<F & typeof globalFlags>, paint: Painter): void
}

/** Checks a definition's types and keeps its literal ones. */
export function defineCommand<F extends FlagTable, A extends ArgTable = Record<never, never>, T extends object = object>(definition: CommandDefinition<F, A, T>): CommandDefinition<F, A, T> {
  return definition
}

/** Every flag the command takes: --json (unless json: false), the global flags, then its own. */
export function commandFlags(definition: Pick<CommandDefinition, 'flags' | 'json'>): FlagTable {
  return {...(definition.json === false ? {} : jsonFlag), ...globalFlags, ...definition.flags}
}
