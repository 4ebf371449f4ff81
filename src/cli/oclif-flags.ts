// oclif's Flags and Args derived from a command's tables (flag-spec.ts), for its help, manifest
// and completion. Arguments never read stdin (oclif reads stdin for a missing argument when stdin
// is not a terminal; flanctl reads it only for `--file -`).
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type {AlphabetLowercase, AlphabetUppercase, ArgInput, FlagInput} from '@oclif/core/interfaces'
import type {ArgTable, FlagSpec, FlagTable} from './flag-spec.js'

export function oclifFlags(table: FlagTable): FlagInput {
  return Object.fromEntries(Object.entries(table).map(([name, spec]) => [name, oclifFlag(spec)])) as FlagInput
}

function oclifFlag(spec: FlagSpec) {
  const common = {
    description: spec.description,
    helpGroup: spec.helpGroup,
    env: spec.env,
    required: spec.required,
    ...(spec.char === undefined ? {} : {char: spec.char as AlphabetLowercase | AlphabetUppercase}),
  }
  if (spec.type === 'boolean') return Flags.boolean({...common, allowNo: spec.allowNo, default: spec.default as boolean | undefined})
  const valued = {...common, options: spec.options === undefined ? undefined : [...spec.options], multiple: spec.multiple === true}
  if (spec.type === 'integer') return Flags.integer({...valued, min: spec.min, max: spec.max, default: spec.default as number | undefined} as Parameters<typeof Flags.integer>[0])
  return Flags.string({...valued, default: spec.default as string | undefined} as Parameters<typeof Flags.string>[0])
}

export function oclifArgs(table: ArgTable = {}): ArgInput {
  return Object.fromEntries(Object.entries(table).map(([name, spec]) => [name, Args.string({description: spec.description, required: spec.required === true, ignoreStdin: true})]))
}
