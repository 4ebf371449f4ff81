// flanneld parses flags with Go's flag package, and unit files written for it say
// `-etcd-endpoints=...` (one dash) and `--ip-masq=true` / `--iptables-forward-rules=false`
// (booleans with a value). `flanctl up` rewrites them before parsing: one dash before a known
// long flag becomes two; `--b=true` becomes `--b` and `--b=false` becomes `--no-b` for a known
// boolean flag. Everything else passes through unchanged.
import type {FlagTable} from './flag-spec.js'

const TRUE = new Set(['true', 't', '1', 'yes'])
const FALSE = new Set(['false', 'f', '0', 'no'])

/** `flags`: the command's table; its booleans need allowNo for `=false`. */
export function goFlagArgv(argv: readonly string[], flags: FlagTable): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const single = /^-([a-z][a-z0-9-]+)(=.*)?$/.exec(arg)
    if (single !== null && Object.hasOwn(flags, single[1])) arg = `-${arg}`
    const withValue = /^--([a-z][a-z0-9-]*)=(.*)$/.exec(arg)
    if (withValue !== null && Object.hasOwn(flags, withValue[1]) && flags[withValue[1]].type === 'boolean') {
      const value = withValue[2].toLowerCase()
      if (TRUE.has(value)) arg = `--${withValue[1]}`
      else if (FALSE.has(value)) arg = `--no-${withValue[1]}`
    }
    out.push(arg)
  }
  return out
}
