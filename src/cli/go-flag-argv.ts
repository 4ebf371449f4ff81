// flanneld parses flags with Go's flag package, and unit files written for it say
// `-etcd-endpoints=...` (one dash) and `--ip-masq=true` / `--iptables-forward-rules=false`
// (booleans with a value). oclif accepts neither, so `flanctl up` rewrites them first:
// one dash before a known long flag becomes two; `--b=true` becomes `--b` and `--b=false`
// becomes `--no-b` for a known boolean flag. Everything else passes through unchanged.

const TRUE = new Set(['true', 't', '1', 'yes'])
const FALSE = new Set(['false', 'f', '0', 'no'])

export interface GoFlagSpec {
  /** every long flag name the command has */
  names: readonly string[]
  /** the boolean ones among them (each must have allowNo for `=false`) */
  booleans: readonly string[]
}

export function goFlagArgv(argv: readonly string[], spec: GoFlagSpec): string[] {
  const names = new Set(spec.names)
  const booleans = new Set(spec.booleans)
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const single = /^-([a-z][a-z0-9-]+)(=.*)?$/.exec(arg)
    if (single !== null && names.has(single[1])) arg = `-${arg}`
    const withValue = /^--([a-z][a-z0-9-]*)=(.*)$/.exec(arg)
    if (withValue !== null && booleans.has(withValue[1])) {
      const value = withValue[2].toLowerCase()
      if (TRUE.has(value)) arg = `--${withValue[1]}`
      else if (FALSE.has(value)) arg = `--no-${withValue[1]}`
    }
    out.push(arg)
  }
  return out
}
