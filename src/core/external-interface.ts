// Choosing the external interface the way flanneld does (--iface, --iface-regex, --public-ip),
// from a listing of the host's interfaces read by the iproute2 adapter.
//   --iface NAME|IP (repeatable): the first one that resolves to an interface with an IPv4 address;
//   --iface-regex RE (repeatable, tried when no --iface resolved): per regex, first an interface
//     with a matching IPv4 address, then one with a matching name;
//   neither: the interface of the default route.
// The interface address (vxlan's local address) is the first usable IPv4 address: global
// unicast before link-local, primary before secondary, never deprecated. The public IP (the one
// written to the lease) is --public-ip when given, else the interface address.
import {formatIp4, ip4NetOf, parseIp4} from './ip4.js'
import {fail, ok, type Result} from './result.js'
import type {Ip4Net} from './types.js'

export interface InterfaceAddress {
  ip: number
  prefixLen: number
  /** "global", "link", "host" as ip reports it */
  scope: string
  secondary: boolean
  deprecated: boolean
}

export interface InterfaceInfo {
  name: string
  index: number
  mtu: number
  mac?: string
  up: boolean
  /** IPv4 addresses, in the kernel's order */
  addresses: InterfaceAddress[]
}

export interface ExternalInterface {
  name: string
  index: number
  mtu: number
  /** the address on the interface: the vxlan device's local address */
  ifaceAddr: number
  /** what goes into the lease as PublicIP */
  publicIp: number
  /** the interface's connected subnets: peers inside them are on our L2 segment (DirectRouting) */
  onLinkSubnets: Ip4Net[]
}

export interface ExternalInterfaceInput {
  interfaces: readonly InterfaceInfo[]
  /** the interface of the main table's default route, if there is one */
  defaultRouteInterface?: string
  /** --iface values, names or IPv4 addresses, in order */
  iface?: readonly string[]
  /** --iface-regex values, in order */
  ifaceRegex?: readonly string[]
  /** --public-ip */
  publicIp?: string
}

const LINK_LOCAL: Ip4Net = {ip: 0xa9fe0000, prefixLen: 16} // 169.254.0.0/16

function isGlobalUnicast(ip: number): boolean {
  const first = ip >>> 24
  return ip !== 0 && ip !== 0xffffffff && first !== 127 && first < 224 && (ip & 0xffff0000) >>> 0 !== LINK_LOCAL.ip
}

function isLinkLocal(ip: number): boolean {
  return (ip & 0xffff0000) >>> 0 === LINK_LOCAL.ip
}

/** The IPv4 addresses flannel would use, best first (Go's IsGlobalUnicast, then link-local). */
export function usableAddresses(iface: InterfaceInfo): number[] {
  const candidates = iface.addresses.filter((a) => !a.deprecated && (isGlobalUnicast(a.ip) || isLinkLocal(a.ip)))
  const rank = (a: InterfaceAddress): number => (isGlobalUnicast(a.ip) ? 0 : 2) + (a.secondary ? 1 : 0)
  return candidates
    .map((a, i) => ({a, i}))
    .sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i)
    .map(({a}) => a.ip)
}

/** The connected subnets of an interface (its addresses' prefixes, /32 excluded). */
export function onLinkSubnets(iface: InterfaceInfo): Ip4Net[] {
  const nets: Ip4Net[] = []
  for (const a of iface.addresses) {
    if (a.prefixLen >= 32) continue
    const net = ip4NetOf(a.ip, a.prefixLen)
    if (!nets.some((n) => n.ip === net.ip && n.prefixLen === net.prefixLen)) nets.push(net)
  }
  return nets
}

function describeAll(interfaces: readonly InterfaceInfo[]): string {
  return interfaces.map((i) => `${i.name}:${usableAddresses(i).map(formatIp4).join(',') || '-'}`).join(', ')
}

type Found = {iface: InterfaceInfo; addr?: number}

function byIfaceFlag(interfaces: readonly InterfaceInfo[], value: string): Result<Found> {
  const ip = parseIp4(value)
  if (ip !== undefined) {
    const iface = interfaces.find((i) => usableAddresses(i).includes(ip))
    return iface === undefined ? fail('E_USAGE', `no interface has the address ${value}`) : ok({iface, addr: ip})
  }
  const iface = interfaces.find((i) => i.name === value)
  return iface === undefined ? fail('E_USAGE', `no interface named ${value}`) : ok({iface})
}

function byRegex(interfaces: readonly InterfaceInfo[], pattern: string): Result<Found> {
  let re: RegExp
  try {
    re = new RegExp(pattern)
  } catch (error) {
    return fail('E_USAGE', `--iface-regex ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`)
  }
  for (const iface of interfaces) {
    const addr = usableAddresses(iface).find((a) => re.test(formatIp4(a)))
    if (addr !== undefined) return ok({iface, addr})
  }
  const iface = interfaces.find((i) => re.test(i.name))
  if (iface !== undefined) return ok({iface})
  return fail('E_USAGE', `could not match pattern ${pattern} to any of the available network interfaces (${describeAll(interfaces)})`)
}

function finish(found: Found, publicIpText: string | undefined): Result<ExternalInterface> {
  const {iface} = found
  const ifaceAddr = found.addr ?? usableAddresses(iface)[0]
  if (ifaceAddr === undefined) return fail('E_USAGE', `failed to find IPv4 address for interface ${iface.name}`)
  if (!(iface.mtu > 0)) return fail('E_USAGE', `failed to determine MTU for ${formatIp4(ifaceAddr)} interface`)
  let publicIp = ifaceAddr
  if (publicIpText !== undefined && publicIpText !== '') {
    const parsed = parseIp4(publicIpText)
    if (parsed === undefined) return fail('E_USAGE', `invalid public IP address: ${publicIpText}`)
    publicIp = parsed
  }
  return ok({name: iface.name, index: iface.index, mtu: iface.mtu, ifaceAddr, publicIp, onLinkSubnets: onLinkSubnets(iface)})
}

export function selectExternalInterface(input: ExternalInterfaceInput): Result<ExternalInterface> {
  const {interfaces, publicIp} = input
  const ifaces = input.iface ?? []
  const regexes = input.ifaceRegex ?? []
  const errors: string[] = []
  for (const value of ifaces) {
    const found = byIfaceFlag(interfaces, value)
    const result = found.ok ? finish(found.value, publicIp) : found
    if (result.ok) return result
    errors.push(`--iface ${value}: ${result.error.message}`)
  }
  // As flanneld: the regexes are tried when no --iface value gave an interface.
  for (const pattern of regexes) {
    const found = byRegex(interfaces, pattern)
    const result = found.ok ? finish(found.value, publicIp) : found
    if (result.ok) return result
    errors.push(`--iface-regex ${pattern}: ${result.error.message}`)
  }
  if (ifaces.length > 0 || regexes.length > 0) {
    return fail('E_USAGE', `failed to find any valid interface to use: ${errors.join('; ')}`)
  }
  const name = input.defaultRouteInterface
  if (name === undefined) return fail('E_USAGE', 'failed to get default interface: there is no default route (use --iface or --iface-regex)')
  const iface = interfaces.find((i) => i.name === name)
  if (iface === undefined) return fail('E_USAGE', `failed to get default interface: the default route's interface ${name} was not found`)
  return finish({iface}, publicIp)
}
