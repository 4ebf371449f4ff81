// IPv6 addresses as bigints: parsing and canonical formatting with ipaddr.js (RFC 5952, as Go
// prints it), with Go's net.ParseIP rules on top where ipaddr.js is laxer (no zone; a dotted
// IPv4 only at the end, read as the last two groups), and CIDR arithmetic.
import {createRequire} from 'node:module'
import {parseIp4} from './ip4.js'
import {fail, ok, type Result} from './result.js'
import type {Ip6Net} from './types.js'

const MAX = (1n << 128n) - 1n

// loaded at the first IPv6 address: IPv4-only work (docker-opts, most agents) never pays for it
type IpAddr = typeof import('ipaddr.js')
let loaded: IpAddr | undefined
const ipaddrJs = (): IpAddr => (loaded ??= createRequire(import.meta.url)('ipaddr.js') as IpAddr)

/** "...:1.2.3.4" -> "...:102:304" (Go's rule: a dotted IPv4 may only end the address); undefined when the IPv4 part is bad. */
function withoutDottedTail(text: string): string | undefined {
  const colon = text.lastIndexOf(':')
  const v4 = parseIp4(text.slice(colon + 1))
  if (v4 === undefined || text.slice(0, colon).includes('.')) return undefined
  return `${text.slice(0, colon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`
}

/** "fd00:12:13::" -> bigint; undefined when it is not an IPv6 address (Go's net.ParseIP: no zone). */
export function parseIp6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > 45 || text.includes('%')) return undefined
  const plain = text.includes('.') ? withoutDottedTail(text) : text
  if (plain === undefined || !ipaddrJs().IPv6.isValid(plain)) return undefined
  let n = 0n
  for (const part of ipaddrJs().IPv6.parse(plain).parts) n = (n << 16n) | BigInt(part)
  return n
}

/** Canonical text (RFC 5952, as Go prints it): lower case, the longest run (>= 2) of zero groups as "::", first on a tie. */
export function formatIp6(n: bigint): string {
  const parts: number[] = []
  for (let i = 7; i >= 0; i--) parts.push(Number((n >> BigInt(i * 16)) & 0xffffn))
  return new (ipaddrJs().IPv6)(parts).toRFC5952String()
}

export function ip6Mask(prefixLen: number): bigint {
  return prefixLen <= 0 ? 0n : (MAX >> BigInt(128 - prefixLen)) << BigInt(128 - prefixLen)
}

export function ip6NetOf(ip: bigint, prefixLen: number): Ip6Net {
  return {ip: ip & ip6Mask(prefixLen), prefixLen}
}

function splitCidr(text: string): {ip: bigint; prefixLen: number} | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const ip = parseIp6(text.slice(0, slash))
  const lenText = text.slice(slash + 1)
  if (ip === undefined || !/^\d{1,3}$/.test(lenText)) return undefined
  const prefixLen = Number(lenText)
  return prefixLen <= 128 ? {ip, prefixLen} : undefined
}

/** "fc00::1/48" -> {ip: fc00::, prefixLen: 48}: host bits masked off. */
export function parseIp6Net(text: string): Result<Ip6Net> {
  const parts = splitCidr(text)
  if (parts === undefined) return fail('E_BAD_DATA', `invalid IPv6 CIDR ${JSON.stringify(text)} (expected addr/len)`)
  return ok(ip6NetOf(parts.ip, parts.prefixLen))
}

/** Like parseIp6Net, but rejects host bits instead of masking them. */
export function parseIp6Subnet(text: string): Result<Ip6Net> {
  const parts = splitCidr(text)
  if (parts === undefined) return fail('E_BAD_DATA', `invalid IPv6 subnet ${JSON.stringify(text)} (expected addr/len)`)
  const net = ip6NetOf(parts.ip, parts.prefixLen)
  if (net.ip !== parts.ip) {
    return fail('E_BAD_DATA', `invalid IPv6 subnet ${JSON.stringify(text)}: host bits are set (did you mean ${formatIp6Net(net)}?)`)
  }
  return ok(net)
}

export function formatIp6Net(net: Ip6Net): string {
  return `${formatIp6(net.ip)}/${net.prefixLen}`
}

export function ip6NetSize(net: Ip6Net | number): bigint {
  const prefixLen = typeof net === 'number' ? net : net.prefixLen
  return 1n << BigInt(128 - prefixLen)
}

export function ip6NetContains(net: Ip6Net, ip: bigint): boolean {
  const mask = ip6Mask(net.prefixLen)
  return (ip & mask) === (net.ip & mask)
}

export function ip6NetsOverlap(a: Ip6Net, b: Ip6Net): boolean {
  const mask = ip6Mask(Math.min(a.prefixLen, b.prefixLen))
  return (a.ip & mask) === (b.ip & mask)
}

export function firstHost6(net: Ip6Net): bigint {
  return net.ip + 1n
}

/** The next net of the same length; undefined past the end of the address space. */
export function nextSubnet6(net: Ip6Net): Ip6Net | undefined {
  const ip = net.ip + ip6NetSize(net)
  return ip > MAX ? undefined : {ip, prefixLen: net.prefixLen}
}
