// Shared by the fault scenarios: a uniquely named lab per file, the kernel of every host read
// back and compared with the leases in etcd, duplicate-subnet checks, synthetic peers, and a
// ping kept running through a fault. Waits are for events (with generous deadlines), never for
// a fixed time; a fault's own length (how long etcd stays down) is the scenario's parameter.
import assert from 'node:assert/strict'
import {statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {isOurProcess} from '../../src/adapters/netns/processes.js'
import {formatCidr, leaseValue, loadState, numberToIp4, parseCidr, readFdb, readLabLeases, readNeighbours, readRoutes, type LabHost, type LabState} from '../../src/lab/index.js'
import {agentLogTail, waitFor} from '../e2e/lab-fixture.js'

export {removeLab, requireRoot, waitFor, pingLoop} from '../e2e/lab-fixture.js'

/** Lab names are [a-z][a-z0-9]{0,11}: "f" + a tag + the pid keeps parallel runs apart. */
export function faultLabName(tag: string): string {
  return `f${tag}${process.pid}`.slice(0, 12)
}

/** What a host's kernel holds for its peers: routes into the overlay (not its own subnet), and for vxlan the neighbour and fdb MACs. */
async function kernelPeers(state: LabState, host: LabHost): Promise<{routes: string[]; macs: string[]; neighbours: number}> {
  const network = parseCidr(state.network)!
  const inNetwork = (dst: string) => {
    const net = parseCidr(dst.includes('/') ? dst : `${dst}/32`)
    return net !== undefined && net.prefixLen >= network.prefixLen && (net.ip - network.ip) >>> 0 < 2 ** (32 - network.prefixLen)
  }
  const routes = (await readRoutes(host.netns)).filter((r) => inNetwork(r.dst) && r.dst !== host.subnet && (r.dev === 'flannel.1' || r.gateway !== undefined)).map((r) => r.dst)
  if (state.backend !== 'vxlan') return {routes: routes.sort(), macs: [], neighbours: 0}
  const fdb = (await readFdb(host.netns, 'flannel.1')).filter((f) => f.dst !== undefined).map((f) => f.mac)
  const neighbours = (await readNeighbours(host.netns, 'flannel.1')).length
  return {routes: routes.sort(), macs: fdb.sort(), neighbours}
}

/** For every host: its kernel's peer entries equal the other leases in etcd; undefined when they do, else what differs. */
export async function kernelVsEtcd(name: string): Promise<string | undefined> {
  const state = loadState(name)
  const leases = await readLabLeases(state)
  const problems: string[] = []
  for (const host of state.hosts) {
    const peers = leases.filter((l) => formatCidr(l.subnet) !== host.subnet)
    const wanted = peers.map((l) => formatCidr(l.subnet)).sort()
    const seen = await kernelPeers(state, host)
    const missing = wanted.filter((dst) => !seen.routes.includes(dst))
    const extra = seen.routes.filter((dst) => !wanted.includes(dst))
    if (missing.length + extra.length > 0) problems.push(`${host.name}: ${missing.length} routes missing (${missing.slice(0, 3).join(', ')}), ${extra.length} extra (${extra.slice(0, 3).join(', ')})`)
    if (state.backend === 'vxlan') {
      const macs = peers.map((l) => l.vtepMac ?? '').sort()
      if (JSON.stringify(macs) !== JSON.stringify(seen.macs)) problems.push(`${host.name}: fdb ${seen.macs.length} MACs, etcd ${macs.length}`)
      if (seen.neighbours !== peers.length) problems.push(`${host.name}: ${seen.neighbours} neighbours for ${peers.length} peers`)
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ')
}

/** Waits until every host's kernel equals etcd; fails with the difference and the agents' last log lines. */
export async function expectKernelMatchesEtcd(name: string, what: string, timeoutMs = 120_000): Promise<void> {
  let last: string | undefined
  try {
    await waitFor(`${what}: every host's kernel equal to etcd`, async () => {
      last = await kernelVsEtcd(name)
      return last === undefined
    }, timeoutMs, 500)
  } catch (error) {
    const logs = await Promise.all(loadState(name).hosts.slice(0, 3).map(async (h) => `${h.name}:\n${await agentLogTail(h, 8)}`))
    assert.fail(`${(error as Error).message}\n${last ?? ''}\n${logs.join('\n')}`)
  }
}

/** Every lease's subnet is held once, and every host holds one lease. */
export async function expectNoDuplicateSubnets(name: string): Promise<void> {
  const state = loadState(name)
  const leases = await readLabLeases(state)
  const subnets = leases.map((l) => formatCidr(l.subnet))
  assert.equal(new Set(subnets).size, subnets.length, `duplicate subnets: ${subnets.join(' ')}`)
  for (const host of state.hosts) {
    const own = leases.filter((l) => l.publicIp === host.publicIp)
    assert.equal(own.length, 1, `${host.name} (${host.publicIp}) holds ${own.length} leases`)
  }
}

export function expectAgentsRunning(name: string): void {
  for (const host of loadState(name).hosts) assert.ok(host.pid !== undefined && isOurProcess(host.pid, host.subnetFile), `the agent of ${host.name} still runs`)
}

export interface SyntheticPeer {
  key: string
  subnet: string
  value: string
}

/**
 * `count` peers no host runs, on subnets no lease holds, taken from the top of the network down
 * (the hosts' own subnets are left alone): a unique VtepMAC each, a public IP on the underlay.
 */
export async function syntheticPeers(name: string, count: number, offset = 0): Promise<SyntheticPeer[]> {
  const state = loadState(name)
  const held = new Set((await readLabLeases(state)).map((l) => formatCidr(l.subnet)))
  const network = parseCidr(state.network)!
  const size = 2 ** (32 - state.subnetLen)
  const peers: SyntheticPeer[] = []
  for (let index = 2 ** (state.subnetLen - network.prefixLen) - 2 - offset; peers.length < count && index > 0; index--) {
    const subnet = `${numberToIp4(network.ip + index * size)}/${state.subnetLen}`
    if (held.has(subnet)) continue
    const mac = ['0a', '5e', (index >> 16) & 255, (index >> 8) & 255, index & 255, 0x01].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':')
    const publicIp = `203.0.113.${100 + (index % 150)}`
    peers.push({key: `${state.etcdPrefix}/subnets/${subnet.replace('/', '-')}`, subnet, value: leaseValue(publicIp, state.backend, mac)})
  }
  assert.equal(peers.length, count, `room for ${count} synthetic peers in ${state.network}/${state.subnetLen}`)
  return peers
}

/** Where a host's agent log ends now: later lines are what the agent logged after this moment. */
export function logMark(host: LabHost): number {
  try {
    return statSync(host.logFile).size
  } catch {
    return 0
  }
}

/** Waits for a line matching `pattern` logged after `mark`. */
export async function waitForLog(host: LabHost, mark: number, pattern: RegExp, what: string, timeoutMs = 90_000): Promise<string> {
  return waitFor(`${host.name}: ${what} (${pattern})`, async () => {
    const text = (await readFile(host.logFile)).subarray(mark).toString('utf8')
    return text.split('\n').find((line) => pattern.test(line))
  }, timeoutMs, 250)
}
