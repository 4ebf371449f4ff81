// flannel0 as the kernel has it, read only (never opened): `ip -d -j addr show dev` for its kind
// (tun), MTU, flags and addresses, and `ss -H -uln` for the relay's socket on its address and Port.
import {commandLine, runTool} from '../../adapters/iproute2/run.js'
import {runToCompletion} from '../../adapters/process/run-program.js'
import {FlanctlError} from '../../core/errors.js'

export interface TunDeviceState {
  /** linkinfo's info_kind: "tun" for flannel's device */
  kind?: string
  mtu: number
  up: boolean
  addresses: Array<{local: string; prefixLen: number}>
}

interface IpAddrRow {
  ifname?: string
  flags?: string[]
  mtu?: number
  linkinfo?: {info_kind?: string}
  addr_info?: Array<{family?: string; local?: string; prefixlen?: number}>
}

/** The device, or undefined when there is none of that name. */
export async function readTunDevice(name: string, netns?: string): Promise<TunDeviceState | undefined> {
  const args = ['-d', '-j', 'addr', 'show', 'dev', name]
  const result = await runTool('ip', args, {netns})
  if (result.exitCode !== 0) {
    if (/does not exist|Cannot find device/.test(result.stderr)) return undefined
    throw new FlanctlError('E_SYSTEM', `${commandLine('ip', args, netns)} failed: ${result.stderr.trim()}`)
  }
  let rows: IpAddrRow[]
  try {
    rows = JSON.parse(result.stdout) as IpAddrRow[]
  } catch (error) {
    throw new FlanctlError('E_SYSTEM', `${commandLine('ip', args, netns)} printed output that is not JSON: ${(error as Error).message}`)
  }
  const row = rows.find((r) => r.ifname === name)
  if (row === undefined) return undefined
  return {
    kind: row.linkinfo?.info_kind,
    mtu: typeof row.mtu === 'number' ? row.mtu : 0,
    up: Array.isArray(row.flags) && row.flags.includes('UP'),
    addresses: (row.addr_info ?? []).filter((a) => a.family === 'inet' && typeof a.local === 'string').map((a) => ({local: a.local!, prefixLen: a.prefixlen ?? 32})),
  }
}

/** The local addresses (ip:port) of the UDP sockets bound to `port`, as `ss -H -uln` lists them. */
export async function udpListeners(port: number, netns?: string): Promise<string[]> {
  const args = [...(netns === undefined ? [] : ['-N', netns]), '-H', '-u', '-l', '-n']
  const shown = `ss ${args.join(' ')}`
  // not execa: this module loads with the agent (the start path loads no execa)
  const result = await runToCompletion('ss', args, {shown, hint: 'diagnose reads the relay\'s socket with ss (iproute2)'})
  if (result.exitCode !== 0) throw new FlanctlError('E_SYSTEM', `${shown} failed: ${result.stderr.trim()}`)
  return result.stdout.split('\n').map((line) => line.trim().split(/\s+/)[3]).filter((local): local is string => local !== undefined && local.endsWith(`:${port}`))
}
