// IPv6 addresses as bigints: parsing (Go's net.ParseIP rules: hex groups, one "::", an optional
// trailing dotted IPv4, no zone), canonical formatting (RFC 5952, lower case, as Go prints it)
// and CIDR arithmetic.
import {parseIp4} from './ip4.js'
import {fail, ok, type Result} from './result.js'
import type {Ip6Net} from './types.js'

const MAX = (1n << 128n) - 1n
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

function parseGroups(text: string): number[] | undefined {
  if (text === '') return []
  const parts = text.split(':')
  const groups: number[] = []
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIp4(part)
      if (v4 === undefined) return undefined
      groups.push(Math.floor(v4 / 65536), v4 % 65536)
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16))
    } else {
      return undefined
    }
  }
  return groups
}

/** "fd00:12:13::" -> bigint; undefined when it is not an IPv6 address. */
export function parseIp6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > 45) return undefined
  const gap = text.indexOf('::')
  let groups: number[] | undefined
  if (gap < 0) {
    groups = parseGroups(text)
    if (groups === undefined || groups.length !== 8) return undefined
  } else {
    if (text.indexOf('::', gap + 1) >= 0) return undefined
    const head = parseGroups(text.slice(0, gap))
    const tail = parseGroups(text.slice(gap + 2))
    if (head === undefined || tail === undefined) return undefined
    // "::" stands for at least one zero group
    if (head.length + tail.length > 7) return undefined
    // a dotted IPv4 may only end the address
    if (text.slice(0, gap).includes('.')) return undefined
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  }
  let n = 0n
  for (const g of groups) n = (n << 16n) | BigInt(g)
  return n
}

/** Canonical text: lower case, the longest run (>= 2) of zero groups as "::", first on a tie. */
export function formatIp6(n: bigint): string {
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn))
  let bestStart = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
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
