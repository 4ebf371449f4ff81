// flannel's etcd keys: <prefix>/config and <prefix>/subnets/<a.b.c.d>-<len>[&<ipv6>-<len>].
// Keys are joined the way flannel's Go code joins them (path.Join: duplicate and trailing
// slashes dropped), so a prefix given as "/coreos.com/network/" names the same keys.
import {formatIp4, parseIp4} from './ip4.js'
import {formatIp6, ip6Mask, parseIp6} from './ip6.js'
import {fail, ok, type Result} from './result.js'
import type {Ip4Net, Ip6Net} from './types.js'

export const DEFAULT_PREFIX = '/coreos.com/network'

/** Go's path.Clean: one slash between segments, no trailing slash, "." and ".." resolved. */
function cleanPath(path: string): string {
  const rooted = path.startsWith('/')
  const out: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!rooted) out.push('..')
      continue
    }
    out.push(segment)
  }
  const joined = out.join('/')
  if (rooted) return `/${joined}`
  return joined === '' ? '.' : joined
}

/** Go's path.Join: empty parts skipped, the result cleaned; "" when every part is empty. */
export function joinKey(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p !== '')
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'))
}

/** "/coreos.com/network/" -> "/coreos.com/network" (the spelling flannel's keys use). */
export function normalisePrefix(prefix: string): string {
  return prefix === '' ? '' : cleanPath(prefix)
}

export function configKey(prefix: string): string {
  return joinKey(prefix, 'config')
}

/** The range every lease key lives under, with its trailing slash (for prefix reads and watches). */
export function subnetsPrefix(prefix: string): string {
  return `${joinKey(prefix, 'subnets')}/`
}

/** "10.5.52.0-24", or "10.5.52.0-24&fd00:12:13::-56" for a dual-stack lease. */
export function subnetKey(subnet: Ip4Net, ipv6Subnet?: Ip6Net): string {
  const v4 = `${formatIp4(subnet.ip)}-${subnet.prefixLen}`
  return ipv6Subnet === undefined ? v4 : `${v4}&${formatIp6(ipv6Subnet.ip)}-${ipv6Subnet.prefixLen}`
}

export function leaseKey(prefix: string, subnet: Ip4Net, ipv6Subnet?: Ip6Net): string {
  return joinKey(prefix, 'subnets', subnetKey(subnet, ipv6Subnet))
}

// flannel's pattern, anchored at both ends: the IPv6 part is lower case hex and colons only
const SUBNET_KEY = /^(\d+\.\d+\.\d+\.\d+)-(\d+)(?:&([a-f\d:]+)-(\d+))?$/

export interface ParsedSubnetKey {
  subnet: Ip4Net
  ipv6Subnet?: Ip6Net
}

/**
 * Parses the last segment of a lease key. IPv4 lengths are 0..31 and IPv6 ones 0..127, as
 * flannel's ParseUint bit sizes allow; a key with host bits set is refused (no valid route
 * could be built from it). Never throws.
 */
export function parseSubnetKey(text: string): Result<ParsedSubnetKey> {
  const bad = (why: string) => fail<ParsedSubnetKey>('E_BAD_DATA', `invalid subnet key ${JSON.stringify(text)}: ${why}`)
  const m = SUBNET_KEY.exec(text)
  if (m === null) return bad('expected <a.b.c.d>-<len> or <a.b.c.d>-<len>&<ipv6>-<len>')
  const ip = parseIp4(m[1])
  if (ip === undefined) return bad(`${m[1]} is not an IPv4 address`)
  const prefixLen = Number(m[2])
  if (prefixLen > 31) return bad(`prefix length ${m[2]} is out of range (0..31)`)
  if (((ip & (prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0)) >>> 0) !== ip) {
    return bad(`host bits are set in ${m[1]}/${prefixLen}`)
  }
  const parsed: ParsedSubnetKey = {subnet: {ip, prefixLen}}
  if (m[3] !== undefined) {
    const ip6 = parseIp6(m[3])
    if (ip6 === undefined) return bad(`${m[3]} is not an IPv6 address`)
    const prefixLen6 = Number(m[4])
    if (prefixLen6 > 127) return bad(`IPv6 prefix length ${m[4]} is out of range (0..127)`)
    if ((ip6 & ip6Mask(prefixLen6)) !== ip6) return bad(`host bits are set in ${m[3]}/${prefixLen6}`)
    parsed.ipv6Subnet = {ip: ip6, prefixLen: prefixLen6}
  }
  return ok(parsed)
}

// the last prefix asked for: a list of 5,000 keys shares one prefix, and path cleaning per key
// was a third of the list's decoding time
let lastPrefix: {prefix: string; under: string} | undefined

/** Parses a full lease key: it must lie directly under <prefix>/subnets/. */
export function parseLeaseKey(key: string, prefix: string): Result<ParsedSubnetKey> {
  if (lastPrefix?.prefix !== prefix) lastPrefix = {prefix, under: subnetsPrefix(prefix)}
  const under = lastPrefix.under
  if (!key.startsWith(under)) return fail('E_BAD_DATA', `key ${JSON.stringify(key)} is not under ${under}`)
  const rest = key.slice(under.length)
  const parsed = parseSubnetKey(rest)
  if (!parsed.ok) return fail('E_BAD_DATA', `key ${key}: ${parsed.error.message}`)
  return parsed
}
