// A host's kernel state read back as data (`ip -j`, `bridge -j`, `iptables-save`): what the
// e2e tier asserts on and what `lab status` counts.
import {runCommand, runInNetns} from '../adapters/netns/run-command.js'

interface VxlanDeviceView {
  name: string
  mtu: number
  mac: string
  up: boolean
  vni?: number
  local?: string
  link?: string
  port?: number
  learning?: boolean
  addresses: string[]
}

interface NeighView {
  dst: string
  lladdr?: string
  state: string[]
}

interface FdbView {
  mac: string
  dst?: string
  flags: string[]
  state?: string
}

interface RouteView {
  dst: string
  gateway?: string
  dev?: string
  flags: string[]
}

interface IpLinkJson {
  ifname: string
  mtu: number
  address: string
  flags: string[]
  linkinfo?: {info_kind?: string; info_data?: {id?: number; local?: string; link?: string; port?: number; learning?: boolean}}
  addr_info?: Array<{family: string; local: string; prefixlen: number}>
}

/** The device's attributes, or undefined when it does not exist. */
export async function readVxlanDevice(netns: string, device: string): Promise<VxlanDeviceView | undefined> {
  const link = await runCommand('ip', ['-n', netns, '-j', '-d', 'link', 'show', 'dev', device], {reject: false})
  if (link.exitCode !== 0) return undefined
  const [info] = JSON.parse(link.stdout) as IpLinkJson[]
  if (info === undefined) return undefined
  const addr = await runCommand('ip', ['-n', netns, '-j', '-4', 'addr', 'show', 'dev', device])
  const [addrInfo] = JSON.parse(addr.stdout) as IpLinkJson[]
  const data = info.linkinfo?.info_data
  return {
    name: info.ifname,
    mtu: info.mtu,
    mac: info.address,
    up: info.flags.includes('UP'),
    vni: data?.id,
    local: data?.local,
    link: data?.link,
    port: data?.port,
    learning: data?.learning,
    addresses: (addrInfo?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  }
}

export async function readNeighbours(netns: string, device: string): Promise<NeighView[]> {
  const {stdout} = await runCommand('ip', ['-n', netns, '-j', 'neigh', 'show', 'dev', device])
  return (JSON.parse(stdout || '[]') as NeighView[]).map((n) => ({dst: n.dst, lladdr: n.lladdr, state: n.state ?? []}))
}

export async function readFdb(netns: string, device: string): Promise<FdbView[]> {
  const {stdout} = await runCommand('bridge', ['-n', netns, '-j', 'fdb', 'show', 'dev', device])
  return (JSON.parse(stdout || '[]') as FdbView[]).map((f) => ({mac: f.mac, dst: f.dst, flags: f.flags ?? [], state: f.state}))
}

export async function readRoutes(netns: string): Promise<RouteView[]> {
  const {stdout} = await runCommand('ip', ['-n', netns, '-j', '-4', 'route', 'show'])
  return (JSON.parse(stdout || '[]') as RouteView[]).map((r) => ({dst: r.dst, gateway: r.gateway, dev: r.dev, flags: r.flags ?? []}))
}

/** `iptables-save` of one table inside the namespace, without the comment/counter lines that change per run. */
export async function readIptables(netns: string, table: 'nat' | 'filter'): Promise<string[]> {
  const {stdout} = await runInNetns(netns, 'iptables-save', ['-t', table])
  return stdout.split('\n').filter((line) => line.startsWith('-A ') || line.startsWith(':'))
}
