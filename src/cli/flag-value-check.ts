// Values the parser would misread, caught before it runs with a message that says what is wrong:
// a switch given a value (`--direct-routing=maybe`: the parser would take "maybe" as an argument,
// and the error would be about that argument) and a flag given an empty value (`--subnet-len=`,
// `--iface ""`), unless the flag says an empty value means something (allowEmpty).
import {FlanctlError} from '../core/errors.js'
import type {FlagSpec, FlagTable} from './flag-spec.js'

const usage = (message: string) => new FlanctlError('E_USAGE', message, {hint: 'See --help for the flags and examples.'})

function named(word: string, flags: FlagTable): [string, FlagSpec] | undefined {
  if (word.startsWith('--')) return Object.hasOwn(flags, word.slice(2)) ? [word.slice(2), flags[word.slice(2)]] : undefined
  if (word.length !== 2 || word[0] !== '-') return undefined
  const found = Object.entries(flags).find(([, spec]) => spec.char === word[1])
  return found
}

function emptyValue(name: string, spec: FlagSpec): FlanctlError {
  const expected = spec.type === 'integer' ? 'an integer' : spec.type === 'option' ? `one of ${spec.options!.join(', ')}` : 'a value'
  return usage(`--${name} was given an empty value: it needs ${expected}`)
}

/** Throws E_USAGE for a switch with a value or an empty value, looking only before `--`. */
export function checkFlagValues(words: readonly string[], flags: FlagTable, flanneldSpellings = false): void {
  const end = words.indexOf('--')
  const checked = end === -1 ? words : words.slice(0, end)
  checked.forEach((word, i) => {
    const equals = word.indexOf('=')
    if (word.startsWith('-') && equals > 0) {
      const flag = named(word.slice(0, equals), flags)
      if (flag === undefined) return
      const [name, spec] = flag
      const value = word.slice(equals + 1)
      if (spec.type === 'boolean') {
        const off = `${spec.allowNo ? `--no-${name}` : 'leave it out'} for off${flanneldSpellings ? ` (flanneld's --${name}=true and --${name}=false work too)` : ''}`
        throw usage(`--${name} is a switch and takes no value (got ${JSON.stringify(word)}): give --${name} for on, ${off}`)
      }
      if (value === '' && !spec.allowEmpty) throw emptyValue(name, spec)
      return
    }
    const flag = named(word, flags)
    if (flag !== undefined && flag[1].type !== 'boolean' && checked[i + 1] === '' && !flag[1].allowEmpty) throw emptyValue(flag[0], flag[1])
  })
}
