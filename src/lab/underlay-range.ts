// Choosing the lab's underlay range (--underlay): an IPv4 range big enough for the hosts asked
// for, apart from the overlay, and clear of every address and route the root namespace has
// (the lab's hosts must never shadow a network this machine really uses).
import {FlanctlError} from '../core/errors.js'
import {formatCidr, parseCidr, type Cidr} from './ip4-text.js'
import {DEFAULT_UNDERLAY, HOST_OFFSET} from './topology.js'

/** An address of the root namespace, from `ip -4 -j addr`: "192.0.2.2/24" on "eth0". */
export interface RootAddress {
  iface: string
  cidr: string
}

/** A route of the root namespace, from `ip -4 -j route`: dst "default", "192.0.2.0/24" or "10.1.2.3". */
export interface RootRoute {
  dst: string
  dev?: string
}

interface UnderlayOverlap {
  kind: 'address' | 'route'
  /** as the root namespace has it, e.g. "192.0.2.2/24" */
  cidr: string
  iface?: string
}

/** The range `--underlay` names, checked against the number of hosts and the overlay network. */
export function underlayRange(text: string, hosts: number, network: Cidr): Cidr {
  const underlay = /^\d+\.\d+\.\d+\.\d+\/\d{1,2}$/.test(text) ? parseCidr(text) : undefined
  if (underlay === undefined) {
    throw new FlanctlError('E_USAGE', `--underlay ${text} is not an IPv4 range`, {hint: `Give a CIDR such as --underlay ${DEFAULT_UNDERLAY}.`})
  }
  const lastOffset = HOST_OFFSET + hosts
  // the range's own address and its broadcast address stay unused
  if (2 ** (32 - underlay.prefixLen) - 2 < lastOffset) {
    const longest = 32 - Math.ceil(Math.log2(lastOffset + 2))
    throw new FlanctlError('E_USAGE', `--underlay ${text} is too small for ${hosts} hosts: they take its addresses .${HOST_OFFSET + 1} to .${lastOffset}`, {
      hint: `Use a prefix of /${longest} or shorter, or fewer --hosts.`,
    })
  }
  if (overlap(underlay, network)) {
    throw new FlanctlError('E_USAGE', `--underlay ${text} overlaps the overlay network ${formatCidr(network)}`, {hint: `Pick an underlay range outside the overlay, e.g. ${DEFAULT_UNDERLAY}.`})
  }
  return underlay
}

/** Every root-namespace address (its whole subnet) and route that shares addresses with the underlay; the default route does not count. */
export function rootOverlaps(underlay: Cidr, addresses: readonly RootAddress[], routes: readonly RootRoute[]): UnderlayOverlap[] {
  const found: UnderlayOverlap[] = []
  for (const address of addresses) {
    const net = parseCidr(address.cidr)
    if (net !== undefined && overlap(underlay, net)) found.push({kind: 'address', cidr: address.cidr, iface: address.iface})
  }
  for (const route of routes) {
    if (route.dst === 'default') continue
    const net = parseCidr(route.dst.includes('/') ? route.dst : `${route.dst}/32`)
    if (net !== undefined && net.prefixLen > 0 && overlap(underlay, net)) found.push({kind: 'route', cidr: route.dst, iface: route.dev})
  }
  return found
}

/** "address 192.0.2.2/24 on eth0; route 192.0.2.0/24 dev eth0" */
export function describeOverlaps(overlaps: readonly UnderlayOverlap[]): string {
  return overlaps.map((o) => (o.kind === 'address' ? `address ${o.cidr} on ${o.iface}` : `route ${o.cidr}${o.iface === undefined ? '' : ` dev ${o.iface}`}`)).join('; ')
}

function overlap(a: Cidr, b: Cidr): boolean {
  const end = (c: Cidr): number => c.ip + 2 ** (32 - c.prefixLen)
  return a.ip < end(b) && b.ip < end(a)
}
