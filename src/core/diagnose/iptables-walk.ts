// Which rule of an iptables-save -c dump decides a given packet's fate: a small walker over the
// filter table (jumps into user chains, RETURN, the built-in chain's policy), for the matches
// that decide overlay traffic (-s -d -p -i -o --dport, conntrack state, comment). A rule with a
// match it does not understand is passed over: it is not claimed to drop anything.
import {ip4NetContains, parseIp4, parseIp4Net} from '../ip4.js'
import type {SavedRule} from './snapshot.js'

export interface Packet {
  proto: 'udp' | 'tcp' | 'icmp'
  src: number
  dst: number
  dport?: number
  /** ICMP type by iptables' name, e.g. "fragmentation-needed" (type 3 code 4) */
  icmpType?: string
  inIface?: string
  outIface?: string
}

export interface WalkResult {
  verdict: 'ACCEPT' | 'DROP' | 'REJECT'
  /** the rule that decided; undefined: the chain's policy */
  rule?: SavedRule
  /** "filter FORWARD policy DROP" when the policy decided */
  by: string
}

/** the spellings iptables accepts for the ICMP types the checks send (name, number, type/code) */
const ICMP_TYPE_NAMES: Record<string, readonly string[]> = {
  'fragmentation-needed': ['fragmentation-needed', '3/4', 'destination-unreachable', '3', 'any'],
  'echo-request': ['echo-request', '8', 'any'],
}

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT'])
const CONTINUE = new Set(['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'TRACE', 'AUDIT', 'CT', 'NOTRACK'])

function matchAddr(value: string, ip: number): boolean {
  const net = parseIp4Net(value.includes('/') ? value : `${value}/32`)
  return net.ok && ip4NetContains(net.value, ip)
}

function ifaceMatches(pattern: string, iface: string | undefined): boolean {
  if (iface === undefined) return false
  return pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : iface === pattern
}

/** true: matches; false: does not; undefined: a match this walker does not understand. */
export function ruleMatches(spec: readonly string[], p: Packet): boolean | undefined {
  let negate = false
  for (let i = 0; i < spec.length; i++) {
    const word = spec[i]!
    if (word === '!') {
      negate = true
      continue
    }
    const value = spec[i + 1]
    let hit: boolean | undefined
    switch (word) {
      case '-s': hit = matchAddr(value ?? '', p.src); i++; break
      case '-d': hit = matchAddr(value ?? '', p.dst); i++; break
      case '-p': hit = value === 'all' || value === p.proto || (value === 'icmp' && p.proto === 'icmp'); i++; break
      case '-i': hit = ifaceMatches(value ?? '', p.inIface); i++; break
      case '-o': hit = ifaceMatches(value ?? '', p.outIface); i++; break
      case '--dport': case '--destination-port': hit = p.dport !== undefined && String(p.dport) === value; i++; break
      case '--dports': hit = p.dport !== undefined && (value ?? '').split(',').includes(String(p.dport)); i++; break
      case '--icmp-type': hit = p.icmpType !== undefined && ICMP_TYPE_NAMES[p.icmpType]!.includes(value ?? ''); i++; break
      case '--ctstate': case '--state': hit = (value ?? '').split(',').includes('NEW'); i++; break
      case '-m': i++; continue // the module's own options follow
      case '--comment': i++; continue
      case '-j': case '-g': i++; continue
      case '--reject-with': case '--log-prefix': case '--log-level': i++; continue
      case '-c': i += 2; continue
      default:
        return undefined
    }
    if (negate) hit = !hit
    negate = false
    if (!hit) return false
  }
  return true
}

function target(spec: readonly string[]): {name?: string; goto: boolean} {
  for (let i = 0; i < spec.length; i++) if (spec[i] === '-j' || spec[i] === '-g') return {name: spec[i + 1], goto: spec[i] === '-g'}
  return {goto: false}
}

/** Walks the table's chain for the packet, as the kernel would; depth-limited against loops. */
export function walkChain(rules: readonly SavedRule[], policies: Record<string, string>, table: string, chain: string, p: Packet): WalkResult {
  const inner = (name: string, depth: number): WalkResult | 'RETURN' => {
    if (depth > 16) return 'RETURN'
    for (const rule of rules) {
      if (rule.table !== table || rule.chain !== name) continue
      if (ruleMatches(rule.spec, p) !== true) continue
      const t = target(rule.spec)
      if (t.name === undefined || CONTINUE.has(t.name)) continue
      if (TERMINAL.has(t.name)) return {verdict: t.name as WalkResult['verdict'], rule, by: rule.text}
      if (t.name === 'RETURN') return 'RETURN'
      const result = inner(t.name, depth + 1)
      if (result !== 'RETURN' || t.goto) return result
    }
    return 'RETURN'
  }
  const result = inner(chain, 0)
  if (result !== 'RETURN') return result
  const policy = policies[`${table} ${chain}`] ?? 'ACCEPT'
  return {verdict: policy === 'DROP' ? 'DROP' : 'ACCEPT', by: `${table} ${chain} policy ${policy}`}
}

/** A representative address inside a CIDR (its .2: past the gateway). */
export function sampleAddress(cidr: string): number | undefined {
  const net = parseIp4Net(cidr)
  return net.ok ? (net.value.ip + 2) >>> 0 : parseIp4(cidr)
}
