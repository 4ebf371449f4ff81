// Reads (never changes) the root namespace's IPv4 addresses and routes, for the underlay check.
import {runCommand} from '../adapters/netns/run-command.js'
import type {RootAddress, RootRoute} from './underlay-range.js'

interface IpAddrJson {
  ifname: string
  addr_info?: Array<{family?: string; local: string; prefixlen: number}>
}

export async function readRootNetwork(): Promise<{addresses: RootAddress[]; routes: RootRoute[]}> {
  const addr = JSON.parse((await runCommand('ip', ['-4', '-j', 'addr', 'show'])).stdout || '[]') as IpAddrJson[]
  const addresses = addr.flatMap((link) => (link.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => ({iface: link.ifname, cidr: `${a.local}/${a.prefixlen}`})))
  const routes = (JSON.parse((await runCommand('ip', ['-4', '-j', 'route', 'show'])).stdout || '[]') as RootRoute[]).map((r) => ({dst: r.dst, dev: r.dev}))
  return {addresses, routes}
}
