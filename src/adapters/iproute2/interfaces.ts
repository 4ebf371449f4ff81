// Reading the host's interfaces and default route, for choosing the external interface
// (--iface, --iface-regex, --public-ip): the choice itself is pure (core/external-interface).
import {FlanctlError} from '../../core/errors.js'
import {parseMac} from '../../core/mac.js'
import {
  selectExternalInterface,
  type ExternalInterface,
  type ExternalInterfaceInput,
  type InterfaceAddress,
  type InterfaceInfo,
} from '../../core/external-interface.js'
import {parseIp4} from '../../core/ip4.js'
import {runJson} from './run.js'

export interface InterfaceOptions {
  netns?: string
}

interface IpAddrRow {
  ifindex: number
  ifname: string
  flags?: string[]
  mtu: number
  address?: string
  addr_info?: {family: string; local: string; prefixlen: number; scope?: string; secondary?: boolean; deprecated?: boolean; preferred_life_time?: number}[]
}

function toInterface(row: IpAddrRow): InterfaceInfo {
  const addresses: InterfaceAddress[] = []
  for (const a of row.addr_info ?? []) {
    const ip = a.family === 'inet' ? parseIp4(a.local) : undefined
    if (ip === undefined) continue
    addresses.push({
      ip,
      prefixLen: a.prefixlen,
      scope: a.scope ?? 'global',
      secondary: a.secondary === true,
      deprecated: a.deprecated === true || a.preferred_life_time === 0,
    })
  }
  return {
    name: row.ifname,
    index: row.ifindex,
    mtu: row.mtu,
    mac: row.address === undefined ? undefined : parseMac(row.address),
    up: (row.flags ?? []).includes('UP'),
    addresses,
  }
}

/** Every interface with its IPv4 addresses (`ip -j addr show`). */
export async function listInterfaces(options: InterfaceOptions = {}): Promise<InterfaceInfo[]> {
  return (await runJson<IpAddrRow>('ip', ['addr', 'show'], {netns: options.netns})).map(toInterface)
}

/** One interface by name or by one of its IPv4 addresses; undefined when there is none. */
export async function readInterface(nameOrIp: string, options: InterfaceOptions = {}): Promise<InterfaceInfo | undefined> {
  const interfaces = await listInterfaces(options)
  const ip = parseIp4(nameOrIp)
  return ip === undefined ? interfaces.find((i) => i.name === nameOrIp) : interfaces.find((i) => i.addresses.some((a) => a.ip === ip))
}

/** The device of the main table's IPv4 default route (the first one), as flannel picks it. */
export async function defaultRouteInterface(options: InterfaceOptions = {}): Promise<string | undefined> {
  const rows = await runJson<{dst?: string; dev?: string}>('ip', ['-4', 'route', 'show', 'table', 'main', 'default'], {netns: options.netns})
  return rows.find((r) => r.dev !== undefined)?.dev
}

export type FindExternalInterfaceOptions = Omit<ExternalInterfaceInput, 'interfaces' | 'defaultRouteInterface'> & InterfaceOptions

/** Reads the interfaces (and the default route when needed) and chooses as flanneld does; E_USAGE when none fits. */
export async function findExternalInterface(options: FindExternalInterfaceOptions = {}): Promise<ExternalInterface> {
  const needDefault = (options.iface ?? []).length === 0 && (options.ifaceRegex ?? []).length === 0
  const [interfaces, defaultIface] = await Promise.all([
    listInterfaces(options),
    needDefault ? defaultRouteInterface(options) : Promise.resolve(undefined),
  ])
  const chosen = selectExternalInterface({...options, interfaces, defaultRouteInterface: defaultIface})
  if (!chosen.ok) {
    throw new FlanctlError(chosen.error.code, chosen.error.message, {
      hint: 'name the interface with --iface (name or IP) or --iface-regex (FLANNELD_IFACE, FLANNELD_IFACE_REGEX)',
    })
  }
  return chosen.value
}
