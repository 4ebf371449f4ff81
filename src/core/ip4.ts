// IPv4 addresses as unsigned 32-bit numbers: parsing, formatting and CIDR arithmetic.
// Parsing is as strict as Go's net.ParseIP (what flannel uses): four decimal octets, no
// leading zeros, nothing around them.
import {fail, ok, type Result} from './result.js'
import type {Ip4Net} from './types.js'

const PREFIX = /^\d{1,2}$/

const DIGIT_0 = 48
const DOT = 46

/** "10.1.2.3" -> 0x0a010203; undefined when it is not a dotted-quad IPv4 address. */
export function parseIp4(text: string): number | undefined {
  // by hand, not with a regular expression: it runs for every lease key and value at start
  let n = 0
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === DOT) {
      if (digits === 0 || dots === 3) return undefined
      n = n * 256 + octet
      octet = 0
      digits = 0
      dots++
      continue
    }
    const d = c - DIGIT_0
    if (d < 0 || d > 9 || digits === 3 || (digits === 1 && octet === 0)) return undefined // no leading zeros
    octet = octet * 10 + d
    if (octet > 255) return undefined
    digits++
  }
  if (digits === 0 || dots !== 3) return undefined
  return n * 256 + octet
}

export function formatIp4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

/** The netmask of a prefix length as an unsigned number (0 for /0). */
export function ip4Mask(prefixLen: number): number {
  return prefixLen <= 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0
}

export function ip4NetOf(ip: number, prefixLen: number): Ip4Net {
  return {ip: (ip & ip4Mask(prefixLen)) >>> 0, prefixLen}
}

/** Splits "a.b.c.d/len"; the address and length are returned unmasked. */
function splitCidr(text: string): {ip: number; prefixLen: number} | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const ip = parseIp4(text.slice(0, slash))
  const lenText = text.slice(slash + 1)
  if (ip === undefined || !PREFIX.test(lenText)) return undefined
  const prefixLen = Number(lenText)
  return prefixLen <= 32 ? {ip, prefixLen} : undefined
}

/** "10.3.1.7/16" -> {ip: 10.3.0.0, prefixLen: 16}: host bits are masked off, as Go's ParseCIDR does. */
export function parseIp4Net(text: string): Result<Ip4Net> {
  const parts = splitCidr(text)
  if (parts === undefined) return fail('E_BAD_DATA', `invalid IPv4 CIDR ${JSON.stringify(text)} (expected a.b.c.d/len)`)
  return ok(ip4NetOf(parts.ip, parts.prefixLen))
}

/** Like parseIp4Net, but rejects host bits instead of masking them (for keys and flags that name a subnet). */
export function parseIp4Subnet(text: string): Result<Ip4Net> {
  const parts = splitCidr(text)
  if (parts === undefined) return fail('E_BAD_DATA', `invalid IPv4 subnet ${JSON.stringify(text)} (expected a.b.c.d/len)`)
  const net = ip4NetOf(parts.ip, parts.prefixLen)
  if (net.ip !== parts.ip) {
    return fail('E_BAD_DATA', `invalid IPv4 subnet ${JSON.stringify(text)}: host bits are set (did you mean ${formatIp4Net(net)}?)`)
  }
  return ok(net)
}

export function formatIp4Net(net: Ip4Net): string {
  return `${formatIp4(net.ip)}/${net.prefixLen}`
}

/** How many addresses the net spans (2^(32-len)). */
export function ip4NetSize(net: Ip4Net | number): number {
  const prefixLen = typeof net === 'number' ? net : net.prefixLen
  return 2 ** (32 - prefixLen)
}

export function ip4NetContains(net: Ip4Net, ip: number): boolean {
  const mask = ip4Mask(net.prefixLen)
  return ((ip & mask) >>> 0) === ((net.ip & mask) >>> 0)
}

/** true when inner lies wholly inside outer. */
export function ip4NetContainsNet(outer: Ip4Net, inner: Ip4Net): boolean {
  return outer.prefixLen <= inner.prefixLen && ip4NetContains(outer, inner.ip)
}

export function ip4NetsOverlap(a: Ip4Net, b: Ip4Net): boolean {
  const mask = ip4Mask(Math.min(a.prefixLen, b.prefixLen))
  return ((a.ip & mask) >>> 0) === ((b.ip & mask) >>> 0)
}

export function ip4NetEqual(a: Ip4Net, b: Ip4Net): boolean {
  return a.ip === b.ip && a.prefixLen === b.prefixLen
}

/** The network address + 1: what flannel writes as FLANNEL_SUBNET and puts on the bridge. */
export function firstHost(net: Ip4Net): number {
  return (net.ip + 1) >>> 0
}

/** The last address of the net (the broadcast address). */
export function lastAddress(net: Ip4Net): number {
  return net.ip + ip4NetSize(net) - 1
}

/** The next net of the same length; undefined past 255.255.255.255. */
export function nextSubnet(net: Ip4Net): Ip4Net | undefined {
  const ip = net.ip + ip4NetSize(net)
  return ip > 0xffffffff ? undefined : {ip, prefixLen: net.prefixLen}
}

/** Order by address, then prefix length (for stable listings). */
export function compareIp4Nets(a: Ip4Net, b: Ip4Net): number {
  return a.ip - b.ip || a.prefixLen - b.prefixLen
}
