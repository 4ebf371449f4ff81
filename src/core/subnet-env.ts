// subnet.env (default /run/flannel/subnet.env): rendered byte-for-byte as flanneld's
// WriteSubnetFile does, and read back tolerantly (comments, blank lines, quotes, `export`).
import {firstHost, formatIp4, formatIp4Net, ip4NetOf, parseIp4} from './ip4.js'
import {firstHost6, formatIp6, formatIp6Net, ip6NetOf, parseIp6} from './ip6.js'
import {fail, ok, type Result} from './result.js'
import type {Ip4Net, Ip6Net} from './types.js'

export const DEFAULT_SUBNET_FILE = '/run/flannel/subnet.env'

export interface SubnetEnv {
  network?: Ip4Net
  /** the lease's subnet; rendered as its first host address: 10.1.44.0/24 -> 10.1.44.1/24 */
  subnet?: Ip4Net
  ipv6Network?: Ip6Net
  ipv6Subnet?: Ip6Net
  mtu: number
  ipMasq: boolean
}

export function renderSubnetEnv(env: SubnetEnv): string {
  let out = ''
  if (env.network !== undefined) out += `FLANNEL_NETWORK=${formatIp4Net(env.network)}\n`
  if (env.subnet !== undefined) out += `FLANNEL_SUBNET=${formatIp4(firstHost(env.subnet))}/${env.subnet.prefixLen}\n`
  if (env.ipv6Network !== undefined) out += `FLANNEL_IPV6_NETWORK=${formatIp6Net(env.ipv6Network)}\n`
  if (env.ipv6Subnet !== undefined) out += `FLANNEL_IPV6_SUBNET=${formatIp6(firstHost6(env.ipv6Subnet))}/${env.ipv6Subnet.prefixLen}\n`
  out += `FLANNEL_MTU=${env.mtu}\nFLANNEL_IPMASQ=${env.ipMasq}\n`
  return out
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) return value.slice(1, -1)
  // as in the shell, " #" starts a comment
  return value.replace(/\s+#.*$/, '').trimEnd()
}

/**
 * KEY=value lines into a record (later lines win, as when the shell sources the file). Blank
 * lines and # comments are skipped; a line that is neither is an error naming file and line.
 */
export function parseSubnetEnv(text: string, source: string): Result<Record<string, string>> {
  const vars: Record<string, string> = Object.create(null) as Record<string, string>
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '').trim()
    if (line === '' || line.startsWith('#')) continue
    const m = LINE.exec(line)
    if (m === null) {
      const shown = line.length > 80 ? `${line.slice(0, 80)}...` : line
      return fail('E_BAD_DATA', `${source} line ${i + 1}: expected KEY=value, got ${JSON.stringify(shown)}`)
    }
    vars[m[1]] = unquote(m[2].trim())
  }
  return ok({...vars})
}

function cidrOfHost4(text: string): Ip4Net | undefined {
  const slash = text.indexOf('/')
  const ip = parseIp4(text.slice(0, slash))
  const lenText = text.slice(slash + 1)
  if (slash < 0 || ip === undefined || !/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) return undefined
  return ip4NetOf(ip, Number(lenText))
}

function cidrOfHost6(text: string): Ip6Net | undefined {
  const slash = text.indexOf('/')
  const ip = parseIp6(text.slice(0, slash))
  const lenText = text.slice(slash + 1)
  if (slash < 0 || ip === undefined || !/^\d{1,3}$/.test(lenText) || Number(lenText) > 128) return undefined
  return ip6NetOf(ip, Number(lenText))
}

/**
 * The subnets recorded in a previous subnet.env (FLANNEL_SUBNET=10.1.44.1/24 -> 10.1.44.0/24),
 * for chooseSubnet. Missing variables are simply absent; malformed ones are an error value.
 */
export function previousSubnets(vars: Record<string, string>, source: string): Result<{subnet?: Ip4Net; ipv6Subnet?: Ip6Net}> {
  const out: {subnet?: Ip4Net; ipv6Subnet?: Ip6Net} = {}
  const v4 = vars.FLANNEL_SUBNET
  if (v4 !== undefined && v4 !== '') {
    const subnet = cidrOfHost4(v4)
    if (subnet === undefined) return fail('E_BAD_DATA', `${source}: FLANNEL_SUBNET=${v4} is not an IPv4 CIDR`)
    out.subnet = subnet
  }
  const v6 = vars.FLANNEL_IPV6_SUBNET
  if (v6 !== undefined && v6 !== '') {
    const subnet = cidrOfHost6(v6)
    if (subnet === undefined) return fail('E_BAD_DATA', `${source}: FLANNEL_IPV6_SUBNET=${v6} is not an IPv6 CIDR`)
    out.ipv6Subnet = subnet
  }
  return ok(out)
}

/** A whole subnet.env back into a SubnetEnv (FLANNEL_MTU and FLANNEL_IPMASQ required). */
export function decodeSubnetEnv(vars: Record<string, string>, source: string): Result<SubnetEnv> {
  const subnets = previousSubnets(vars, source)
  if (!subnets.ok) return subnets
  const env: SubnetEnv = {mtu: 0, ipMasq: false, ...subnets.value}
  if (vars.FLANNEL_NETWORK !== undefined) {
    const network = cidrOfHost4(vars.FLANNEL_NETWORK)
    if (network === undefined) return fail('E_BAD_DATA', `${source}: FLANNEL_NETWORK=${vars.FLANNEL_NETWORK} is not an IPv4 CIDR`)
    env.network = network
  }
  if (vars.FLANNEL_IPV6_NETWORK !== undefined) {
    const network = cidrOfHost6(vars.FLANNEL_IPV6_NETWORK)
    if (network === undefined) return fail('E_BAD_DATA', `${source}: FLANNEL_IPV6_NETWORK=${vars.FLANNEL_IPV6_NETWORK} is not an IPv6 CIDR`)
    env.ipv6Network = network
  }
  const mtu = vars.FLANNEL_MTU
  if (mtu === undefined || !/^\d{1,6}$/.test(mtu)) return fail('E_BAD_DATA', `${source}: FLANNEL_MTU=${mtu ?? '(missing)'} is not a number`)
  env.mtu = Number(mtu)
  const ipMasq = vars.FLANNEL_IPMASQ
  if (ipMasq !== 'true' && ipMasq !== 'false') return fail('E_BAD_DATA', `${source}: FLANNEL_IPMASQ=${ipMasq ?? '(missing)'} is not true or false`)
  env.ipMasq = ipMasq === 'true'
  return ok(env)
}
