// The one flag parser: every invocation's argv goes through it, on the start path and under
// oclif alike. It reads the command's flag table (flag-spec.ts) and gives what oclif's parser
// would give for the oclif flags derived from that table (test/commands/parse-argv.test.ts holds
// the two equal over generated argv): the same flags accepted and rejected, the same values,
// FLANNELD_* variables for flags not on the command line, then the defaults. Rejections are
// E_USAGE errors with oclif's wording.
import {FlanctlError} from '../core/errors.js'
import type {ArgTable, FlagSpec, FlagTable} from './flag-spec.js'

export interface ParseInput {
  flags: FlagTable
  args?: ArgTable
  /** false: arguments beyond `args` are allowed (they end up in `argv`) */
  strict?: boolean
}

export interface ParsedArgv {
  flags: Record<string, unknown>
  args: Record<string, string>
  /** every argument, in order (for strict: false commands, the ones beyond `args` too) */
  argv: string[]
}

interface FlagToken {
  name: string
  input: string
}

const usage = (message: string) => new FlanctlError('E_USAGE', message, {hint: 'See --help for the flags and examples.'})
const TRUTHY = new Set(['1', 'true', 'y', 'yes'])

export function parseArgv(input: ParseInput, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedArgv {
  const {flags} = input
  const argNames = Object.keys(input.args ?? {})
  const queue = [...argv]
  const flagTokens: FlagToken[] = []
  const args: string[] = []
  const nonexistent: string[] = []
  let lastValueFlag: string | undefined
  let parsingFlags = true

  const findFlag = (arg: string): {long: boolean; name?: string} => {
    if (arg.startsWith('--')) {
      const name = arg.slice(2)
      if (Object.hasOwn(flags, name)) return {long: true, name}
      const negated = arg.startsWith('--no-') ? arg.slice(5) : undefined
      if (negated !== undefined && Object.hasOwn(flags, negated) && flags[negated].type === 'boolean' && flags[negated].allowNo) return {long: true, name: negated}
      return {long: true}
    }
    if (!arg.startsWith('-') || arg.length < 2) return {long: false}
    return {long: false, name: Object.keys(flags).find((name) => flags[name].char === arg[1])}
  }

  const takeFlag = (arg: string): boolean => {
    const {long, name} = findFlag(arg)
    if (name === undefined) {
      const equals = arg.indexOf('=')
      if (equals === -1) return false
      queue.unshift(arg.slice(equals + 1))
      if (takeFlag(arg.slice(0, equals))) return true
      queue.shift()
      return false
    }
    const flag = flags[name]
    if (flag.type === 'boolean') {
      flagTokens.push({name, input: arg})
      if (!long && arg.length > 2) queue.unshift(`-${arg.slice(2)}`) // -ic: -i, then -c
      return true
    }
    if (!flag.multiple && flagTokens.some((t) => t.name === name)) throw usage(`Flag --${name} can only be specified once`)
    lastValueFlag = name
    const value = long || arg.length < 3 ? queue.shift() : arg.slice(arg[2] === '=' ? 3 : 2)
    if (value === undefined || findFlag(value).name !== undefined) {
      throw usage(flag.options ? `Flag --${name} expects one of these values: ${flag.options.join(', ')}` : `Flag --${name} expects a value`)
    }
    flagTokens.push({name, input: value})
    return true
  }

  while (queue.length > 0) {
    const arg = queue.shift()!
    if (parsingFlags && arg.startsWith('-') && arg !== '-') {
      if (arg === '--') {
        parsingFlags = false
        continue
      }
      if (takeFlag(arg)) continue
      if (!/^-\d/.test(arg)) {
        nonexistent.push(arg)
        continue
      }
    }
    // a repeatable flag takes the words after it: --iface eth0 eth1
    if (parsingFlags && lastValueFlag !== undefined && flags[lastValueFlag].multiple) flagTokens.push({name: lastValueFlag, input: arg})
    else args.push(arg)
  }

  const values: Record<string, unknown> = {}
  for (const [name, flag] of Object.entries(flags)) {
    const value = flagValue(name, flag, flagTokens.filter((t) => t.name === name), env)
    if (value !== undefined) values[name] = value
  }
  if (nonexistent.length > 0) throw usage(`Nonexistent flag${nonexistent.length === 1 ? '' : 's'}: ${nonexistent.join(', ')}`)
  if (input.strict !== false && args.length > argNames.length) {
    const extra = args.slice(argNames.length)
    throw usage(`Unexpected argument${extra.length === 1 ? '' : 's'}: ${extra.join(', ')}`)
  }
  const missingArgs = argNames.filter((name, i) => input.args![name].required && args[i] === undefined)
  if (missingArgs.length > 0) {
    throw usage(`Missing ${missingArgs.length} required arg${missingArgs.length === 1 ? '' : 's'}:\n${missingArgs.map((name) => `${name}  ${input.args![name].description}`).join('\n')}`)
  }
  const missingFlag = Object.keys(flags).find((name) => flags[name].required && values[name] === undefined)
  if (missingFlag !== undefined) throw usage(`Missing required flag --${missingFlag}`)
  return {flags: values, args: Object.fromEntries(argNames.flatMap((name, i) => (args[i] === undefined ? [] : [[name, args[i]]]))), argv: args}
}

/** From the command line (the last one wins; all of them for a repeatable flag), else its variable, else its default. */
function flagValue(name: string, flag: FlagSpec, given: FlagToken[], env: NodeJS.ProcessEnv): unknown {
  if (given.length > 0) {
    if (flag.type === 'boolean') return given.at(-1)!.input !== `--no-${name}`
    return flag.multiple ? given.map((t) => typedValue(name, flag, t.input)) : typedValue(name, flag, given.at(-1)!.input)
  }
  const fromEnv = flag.env === undefined ? undefined : env[flag.env]
  if (fromEnv) return flag.type === 'boolean' ? TRUTHY.has(fromEnv.toLowerCase()) : typedValue(name, flag, fromEnv)
  return flag.default
}

function typedValue(name: string, flag: FlagSpec, text: string): string | number {
  if (flag.options !== undefined && !flag.options.includes(text)) throw usage(`Expected --${name}=${text} to be one of: ${flag.options.join(', ')}`)
  if (flag.type !== 'integer') return text
  if (!/^-?\d+$/.test(text)) throw usage(`Parsing --${name} \n\tExpected an integer but received: ${text}`)
  const n = Number.parseInt(text, 10)
  if (flag.min !== undefined && n < flag.min) throw usage(`Parsing --${name} \n\tExpected an integer greater than or equal to ${flag.min} but received: ${text}`)
  if (flag.max !== undefined && n > flag.max) throw usage(`Parsing --${name} \n\tExpected an integer less than or equal to ${flag.max} but received: ${text}`)
  return n
}
