// Creating or fixing the vxlan device, as flannel does at start: an existing device whose VNI,
// port, local address, underlay device or learning differ is deleted and created again (with
// them); a compatible one is kept, with its MAC (so the lease's VtepMAC survives restarts).
// Then MTU, the <subnet>.0/32 address (other addresses inside the network removed) and up.
// One read (none when the caller just read it); when anything is to change, one `ip -batch` (no
// -force: the first failure stops it), and for a device made anew one read back.
import {formatIp4, formatIp4Net, ip4NetContains, parseIp4} from '../../core/ip4.js'
import {FlanctlError} from '../../core/errors.js'
import {parseMac} from '../../core/mac.js'
import {commandLine, runTool} from '../../adapters/iproute2/run.js'
import {formatVxlanDeviceSpec, type VxlanDeviceSpec} from './device-spec.js'

export interface DeviceOptions {
  netns?: string
}

/** The vxlan device as the kernel reports it. */
export interface VxlanDeviceState {
  name: string
  index: number
  /** info_kind: "vxlan" for a vxlan device */
  kind: string
  mac: string
  mtu: number
  up: boolean
  vni?: number
  port?: number
  localIp?: number
  /** the underlay device's name */
  externalInterface?: string
  learning?: boolean
  /** its IPv4 addresses */
  addresses: {ip: number; prefixLen: number}[]
}

export interface EnsuredVxlanDevice {
  name: string
  index: number
  /** the device's MAC: the VtepMAC to put into the lease */
  mac: string
  mtu: number
  /** true when the device was made by this call */
  created: boolean
  /** why an existing device was deleted and made again */
  recreatedBecause?: string
}

interface IpLinkRow {
  ifindex: number
  ifname: string
  flags?: string[]
  mtu: number
  address?: string
  linkinfo?: {info_kind?: string; info_data?: {id?: number; local?: string; link?: string; port?: number; learning?: boolean}}
  addr_info?: {family: string; local: string; prefixlen: number}[]
}

/** The device, or undefined when there is none of that name. */
export async function readVxlanDevice(name: string, options: DeviceOptions = {}): Promise<VxlanDeviceState | undefined> {
  const args = ['-d', '-j', 'addr', 'show', 'dev', name]
  const result = await runTool('ip', args, {netns: options.netns})
  if (result.exitCode !== 0) {
    if (/does not exist|Cannot find device/.test(result.stderr)) return undefined
    throw new FlanctlError('E_SYSTEM', `${commandLine('ip', args, options.netns)} failed: ${result.stderr.trim()}`)
  }
  let rows: IpLinkRow[]
  try {
    rows = JSON.parse(result.stdout) as IpLinkRow[]
  } catch (error) {
    throw new FlanctlError('E_SYSTEM', `${commandLine('ip', args, options.netns)} printed output that is not JSON: ${(error as Error).message}`)
  }
  const row = Array.isArray(rows) ? rows.find((r) => r.ifname === name) : undefined
  if (row === undefined) return undefined
  const info = row.linkinfo?.info_data ?? {}
  const addresses: {ip: number; prefixLen: number}[] = []
  for (const a of row.addr_info ?? []) {
    const ip = a.family === 'inet' ? parseIp4(a.local) : undefined
    if (ip !== undefined) addresses.push({ip, prefixLen: a.prefixlen})
  }
  return {
    name: row.ifname,
    index: row.ifindex,
    kind: row.linkinfo?.info_kind ?? '',
    mac: parseMac(row.address ?? '') ?? row.address ?? '',
    mtu: row.mtu,
    up: (row.flags ?? []).includes('UP'),
    vni: info.id,
    port: info.port,
    localIp: info.local === undefined ? undefined : parseIp4(info.local),
    externalInterface: info.link,
    learning: info.learning,
    addresses,
  }
}

/** Why an existing device cannot be kept for the spec; undefined when it can. */
export function vxlanIncompatibility(existing: VxlanDeviceState, spec: VxlanDeviceSpec): string | undefined {
  if (existing.kind !== 'vxlan') return `it is a ${existing.kind || 'non-vxlan'} device, not vxlan`
  if (existing.vni !== spec.vni) return `vni ${existing.vni} vs ${spec.vni}`
  if (existing.port !== undefined && existing.port > 0 && existing.port !== spec.port) return `port ${existing.port} vs ${spec.port}`
  if (existing.localIp !== spec.localIp) {
    return `local address ${existing.localIp === undefined ? 'unset' : formatIp4(existing.localIp)} vs ${formatIp4(spec.localIp)}`
  }
  if (existing.externalInterface !== spec.externalInterface) {
    return `underlay device ${existing.externalInterface ?? 'unset'} vs ${spec.externalInterface}`
  }
  if (existing.learning === true) return 'learning is on (flannel programs the fdb: nolearning)'
  return undefined
}

/** A compatible device that already has the MTU, only our address inside the network, and is up. */
function deviceInPlace(existing: VxlanDeviceState, spec: VxlanDeviceSpec): boolean {
  const inNetwork = existing.addresses.filter((a) => ip4NetContains(spec.network, a.ip))
  const hasOurs = existing.addresses.some((a) => a.ip === spec.address.ip && a.prefixLen === spec.address.prefixLen)
  return existing.up && existing.mtu === spec.mtu && hasOurs && inNetwork.length === 1
}

function createLine(spec: VxlanDeviceSpec): string {
  return (
    `link add ${spec.name} address ${spec.mac} mtu ${spec.mtu} type vxlan id ${spec.vni} ` +
    `local ${formatIp4(spec.localIp)} dev ${spec.externalInterface} nolearning dstport ${spec.port}`
  )
}

/**
 * Creates or fixes the device so that it matches the spec; returns it as it now is. `seen` is
 * the device as the caller read it a moment ago (the agent's start reads it to choose the
 * VtepMAC), which spares a read. A device made anew is read back (its index and MAC).
 */
export async function ensureVxlanDevice(spec: VxlanDeviceSpec, options: DeviceOptions & {seen?: VxlanDeviceState | null} = {}): Promise<EnsuredVxlanDevice> {
  const existing = options.seen === undefined ? await readVxlanDevice(spec.name, options) : (options.seen ?? undefined)
  const reason = existing === undefined ? undefined : vxlanIncompatibility(existing, spec)
  const create = existing === undefined || reason !== undefined
  if (!create && deviceInPlace(existing!, spec)) {
    // the common case on every later call: one read, nothing to change
    return {name: existing!.name, index: existing!.index, mac: existing!.mac, mtu: existing!.mtu, created: false}
  }
  const lines: string[] = []
  if (reason !== undefined) lines.push(`link del ${spec.name}`)
  if (create) lines.push(createLine(spec))
  else lines.push(`link set ${spec.name} mtu ${spec.mtu}`)
  const address = formatIp4Net(spec.address)
  lines.push(`addr replace ${address} dev ${spec.name}`)
  for (const a of create ? [] : existing!.addresses) {
    const isOurs = a.ip === spec.address.ip && a.prefixLen === spec.address.prefixLen
    if (!isOurs && ip4NetContains(spec.network, a.ip)) lines.push(`addr del ${formatIp4(a.ip)}/${a.prefixLen} dev ${spec.name}`)
  }
  lines.push(`link set ${spec.name} up`)
  const result = await runTool('ip', ['-batch', '-'], {netns: options.netns, input: `${lines.join('\n')}\n`})
  if (result.exitCode !== 0) {
    throw new FlanctlError(
      'E_SYSTEM',
      `could not set up vxlan device ${formatVxlanDeviceSpec(spec)}: ${result.stderr.trim().replace(/\s*\n\s*/g, '; ')}`,
      {hint: `check that ${spec.externalInterface} exists and has the address ${formatIp4(spec.localIp)}, and that the kernel has vxlan support`},
    )
  }
  // a kept device keeps its index and MAC, and the batch set the rest: no read back needed
  if (!create) return {name: existing!.name, index: existing!.index, mac: existing!.mac, mtu: spec.mtu, created: false}
  const now = await readVxlanDevice(spec.name, options)
  if (now === undefined) throw new FlanctlError('E_SYSTEM', `vxlan device ${spec.name} is missing right after it was set up`)
  return {name: now.name, index: now.index, mac: now.mac, mtu: now.mtu, created: create, recreatedBecause: reason}
}
