// A command's flags and arguments as plain data, so that the start path can parse argv without
// loading oclif. oclif's Flags and Args are derived from these tables (oclif-flags.ts) for help,
// the manifest and completion; the one parser (parse-argv.ts) reads them for every invocation.

export interface FlagSpec {
  /** boolean: a switch; string: any text; integer: a whole number (min/max); option: one of `options` */
  type: 'boolean' | 'string' | 'integer' | 'option'
  description: string
  /** a one-letter short form: `-f` */
  char?: string
  default?: boolean | string | number
  /** repeatable; every value is kept, in order */
  multiple?: boolean
  /** booleans: `--no-<name>` turns it off */
  allowNo?: boolean
  /** read from this variable (FLANNELD_*) when not on the command line */
  env?: string
  options?: readonly string[]
  min?: number
  max?: number
  required?: boolean
  helpGroup?: string
  /** an empty value means something (otherwise `--flag=` is a usage error: flag-value-check.ts) */
  allowEmpty?: boolean
}

export type FlagTable = Record<string, FlagSpec>

export interface ArgSpec {
  description: string
  required?: boolean
}

export type ArgTable = Record<string, ArgSpec>

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean : F['type'] extends 'integer' ? number : string
type Given<F extends FlagSpec> = F['multiple'] extends true ? ValueOf<F>[] : ValueOf<F>

/**
 * The parsed values of a flag table. A flag without a default may be absent; a repeatable flag
 * read from its variable is the variable's one string, as oclif gives it (see flagList).
 */
export type FlagValues<T extends FlagTable> = {
  -readonly [K in keyof T]: T[K] extends {default: boolean | string | number} | {required: true}
    ? Given<T[K]>
    : (T[K] extends {multiple: true; env: string} ? Given<T[K]> | string : Given<T[K]>) | undefined
}

export type ArgValues<T extends ArgTable> = {
  -readonly [K in keyof T]: T[K] extends {required: true} ? string : string | undefined
}
