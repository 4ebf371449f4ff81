// The docker options file, byte-for-byte what flannel's dist/mk-docker-opts.sh writes after
// sourcing subnet.env:
//   DOCKER_OPT_BIP="--bip=10.1.74.1/24"
//   DOCKER_OPT_IPMASQ="--ip-masq=true"
//   DOCKER_OPT_MTU="--mtu=1472"
//   DOCKER_OPTS=" --bip=10.1.74.1/24 --ip-masq=true --mtu=1472"
// The script lists every DOCKER_OPT_* variable in sorted order (`set | grep`), so variables of
// that name defined in the file come out too; values are written without escaping, as it does.
import {parseIp4} from './ip4.js'
import {fail, ok, type Result} from './result.js'

export const DEFAULT_DOCKER_OPTS_FILE = '/run/docker_opts.env'
export const DEFAULT_COMBINED_KEY = 'DOCKER_OPTS'

export interface DockerOptsOptions {
  /** -i: one DOCKER_OPT_* line per option */
  individual: boolean
  /** -c: one combined line; neither -i nor -c means both */
  combined: boolean
  /** -k: the combined variable's name */
  key: string
  /** -m: leave --ip-masq out */
  omitIpMasq: boolean
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** vars: the variables of subnet.env (parseSubnetEnv). */
export function dockerOpts(vars: Record<string, string>, options: DockerOptsOptions): Result<string> {
  if (!NAME.test(options.key)) return fail('E_USAGE', `-k ${JSON.stringify(options.key)}: not a valid shell variable name`)
  const injected = Object.keys(vars).find((name) => usedVariable(name, options.key) && /[\r\n"]/.test(vars[name]))
  if (injected !== undefined) {
    return fail('E_BAD_DATA', `${injected} holds a ${/"/.test(vars[injected]) ? 'double quote' : 'newline'} (${JSON.stringify(vars[injected])}): written as is it would add lines or variables to docker's options file; nothing was written`)
  }
  const individual = options.individual || !options.combined
  const combined = options.combined || !options.individual

  const opts = new Map<string, string>()
  for (const [name, value] of Object.entries(vars)) if (name.startsWith('DOCKER_OPT_')) opts.set(name, value)
  const get = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : '')
  const subnet = get('FLANNEL_SUBNET')
  if (subnet !== '') opts.set('DOCKER_OPT_BIP', `--bip=${subnet}`)
  const mtu = get('FLANNEL_MTU')
  if (mtu !== '') opts.set('DOCKER_OPT_MTU', `--mtu=${mtu}`)
  const ipMasq = get('FLANNEL_IPMASQ')
  if (ipMasq !== '' && !options.omitIpMasq) {
    // docker must not masquerade when flannel does, and the other way round
    if (ipMasq === 'true') opts.set('DOCKER_OPT_IPMASQ', '--ip-masq=false')
    else if (ipMasq === 'false') opts.set('DOCKER_OPT_IPMASQ', '--ip-masq=true')
    else return fail('E_BAD_DATA', `Invalid value of FLANNEL_IPMASQ: ${ipMasq} (expected true or false)`)
  }

  // the script starts the combined value from the variable itself when the file sets it
  const start = Object.hasOwn(vars, options.key) ? vars[options.key] : ''
  let all = start === '' ? '' : `${start} `
  let out = ''
  const names = [...opts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (const name of names) {
    const value = opts.get(name) ?? ''
    if (individual) out += `${name}="${value}"\n`
    all += ` ${value}`
  }
  if (combined) out += `${options.key}="${all}"\n`
  return ok(out)
}

/** The variables whose values go into the file. */
function usedVariable(name: string, key: string): boolean {
  return name === 'FLANNEL_SUBNET' || name === 'FLANNEL_MTU' || name === 'FLANNEL_IPMASQ' || name === key || name.startsWith('DOCKER_OPT_')
}

/** Values docker would reject at start that mk-docker-opts.sh passes on silently: said before docker says it worse. */
export function dockerOptsWarnings(vars: Record<string, string>): string[] {
  const warnings: string[] = []
  const subnet = Object.hasOwn(vars, 'FLANNEL_SUBNET') ? vars.FLANNEL_SUBNET : ''
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(subnet)
  if (subnet !== '' && (m === null || parseIp4(m[1]) === undefined || Number(m[2]) > 32)) {
    warnings.push(`FLANNEL_SUBNET ${JSON.stringify(subnet)} is not an IPv4 address with a prefix length (e.g. 10.1.74.1/24): docker will refuse --bip=${subnet}`)
  }
  const mtu = Object.hasOwn(vars, 'FLANNEL_MTU') ? vars.FLANNEL_MTU : ''
  if (mtu !== '' && !/^\d+$/.test(mtu)) warnings.push(`FLANNEL_MTU ${JSON.stringify(mtu)} is not a number: docker will refuse --mtu=${mtu}`)
  return warnings
}
