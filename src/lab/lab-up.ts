// `flanctl lab up`: switch + bridge, private etcd, network config, N hosts running `flanctl up`
// (or programmed by hand), a container behind each, then the ping matrix.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {FlanctlError} from '../core/errors.js'
import {listNetns} from '../adapters/netns/namespaces.js'
import {readState, stateFile, writeState, type LabState} from './lab-state.js'
import {etcdMembers, startEtcdMember, waitEtcdHealthy} from './lab-etcd.js'
import {etcdctl} from './lab-etcdctl.js'
import {flanctlEntry} from './agents.js'
import {completeHost, newHostRecord, provisionHost, resyncManualHosts} from './lab-host.js'
import {waitConverged} from './convergence.js'
import {pingMatrix} from './ping-matrix.js'
import {pingEndpoints, summary, type LabUpResult} from './lab-view.js'
import {formatCidr, parseCidr, type Cidr} from './ip4-text.js'
import {validateLabName} from './lab-name.js'
import {readRootNetwork} from './root-network.js'
import {DEFAULT_NETWORK, DEFAULT_SUBNET_LEN, DEFAULT_UNDERLAY, ETCD_PREFIX, MAX_HOSTS, labPrefix, type LabAgentKind, type LabBackend} from './topology.js'
import {createSwitch} from './underlay.js'
import {describeOverlaps, rootOverlaps, underlayRange} from './underlay-range.js'

export const LAB_DIR_MARKER = '.flanctl-lab'

export interface LabUpOptions {
  name: string
  hosts: number
  backend: LabBackend
  agent?: LabAgentKind
  etcdMembers?: 1 | 3
  /** the hosts' and the switch's range (default 203.0.113.0/24) */
  underlay?: string
  network?: string
  subnetLen?: number
  /** where the network config and leases live (default /coreos.com/network) */
  etcdPrefix?: string
  /** more keys of the config's Backend object, e.g. {Port: 7890} */
  backendOptions?: Record<string, unknown>
  /** run the ping matrix at the end (default true) */
  ping?: boolean
  pingConcurrency?: number
  /** extra flags for every `flanctl up` */
  extraAgentArgs?: readonly string[]
  /** how long to wait for routes to every peer before pinging */
  convergeTimeoutMs?: number
  /** progress lines (stderr in the CLI) */
  log?: (line: string) => void
}

/** The config text flannel reads from <prefix>/config. */
function labNetworkConfig(network: string, subnetLen: number, backend: LabBackend, backendOptions: Record<string, unknown> = {}): string {
  return JSON.stringify({Network: network, SubnetLen: subnetLen, Backend: {Type: backend, ...backendOptions}})
}

/** An etcd prefix as flanneld takes it: absolute, no trailing slash. */
function labEtcdPrefix(prefix: string): string {
  if (!/^\/[\w./-]*[\w.-]$/.test(prefix) || prefix.includes('//')) {
    throw new FlanctlError('E_USAGE', `--etcd-prefix ${JSON.stringify(prefix)}: expected an absolute etcd key prefix like /coreos.com/network (no trailing slash)`)
  }
  return prefix
}

export function labDirPrefix(name: string): string {
  return `flanctl-lab-${name}-`
}

/** The lab's hosts must not shadow a network this machine uses: read the root namespace, change nothing. */
async function assertUnderlayClear(underlay: Cidr): Promise<void> {
  const {addresses, routes} = await readRootNetwork()
  const overlaps = rootOverlaps(underlay, addresses, routes)
  if (overlaps.length > 0) {
    throw new FlanctlError('E_CONFLICT', `underlay ${formatCidr(underlay)} overlaps the root namespace's ${describeOverlaps(overlaps)}`, {
      hint: `Choose a range this machine does not use with --underlay CIDR (default ${DEFAULT_UNDERLAY}; 198.51.100.0/24 is another documentation range).`,
    })
  }
}

async function assertFree(name: string): Promise<void> {
  if (readState(name) !== undefined) {
    throw new FlanctlError('E_CONFLICT', `a lab named "${name}" exists already (${stateFile(name)})`, {hint: `Remove it with \`flanctl lab down --name ${name}\`, or pick another --name.`})
  }
  const leftovers = (await listNetns()).filter((ns) => ns.startsWith(labPrefix(name)))
  if (leftovers.length > 0) {
    throw new FlanctlError('E_CONFLICT', `namespaces of a lab "${name}" exist without its state: ${leftovers.join(', ')}`, {hint: `Remove them with \`flanctl lab down --name ${name}\`.`})
  }
}

export async function labUp(options: LabUpOptions): Promise<LabUpResult> {
  const log = options.log ?? (() => {})
  validateLabName(options.name)
  if (!Number.isInteger(options.hosts) || options.hosts < 1 || options.hosts > MAX_HOSTS) {
    throw new FlanctlError('E_USAGE', `--hosts must be 1..${MAX_HOSTS}, got ${options.hosts}`)
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new FlanctlError('E_USAGE', 'flanctl lab needs root (it creates network namespaces)', {hint: 'Run it with sudo.'})
  }
  const agent = options.agent ?? 'flanctl'
  if (agent === 'manual' && options.backend === 'udp') {
    throw new FlanctlError('E_USAGE', '--agent manual --backend udp: the lab programs hosts by hand with ip commands, and udp needs a relay process', {hint: 'Use --agent flanctl with --backend udp.'})
  }
  const network = options.network ?? DEFAULT_NETWORK
  const subnetLen = options.subnetLen ?? DEFAULT_SUBNET_LEN
  const overlay = parseCidr(network)
  if (overlay === undefined) throw new FlanctlError('E_USAGE', `--network ${network} is not an IPv4 CIDR (e.g. 198.18.0.0/16)`)
  if (!Number.isInteger(subnetLen) || subnetLen < overlay.prefixLen || subnetLen > 30) {
    throw new FlanctlError('E_USAGE', `--subnet-len ${subnetLen} does not fit --network ${network}: give ${overlay.prefixLen}..30`)
  }
  const underlay = underlayRange(options.underlay ?? DEFAULT_UNDERLAY, options.hosts, overlay)
  const entry = agent === 'flanctl' ? flanctlEntry() : undefined
  await assertUnderlayClear(underlay)
  await assertFree(options.name)

  const dir = mkdtempSync(join(tmpdir(), labDirPrefix(options.name)))
  writeFileSync(join(dir, LAB_DIR_MARKER), `${options.name}\n`)
  const memberCount = options.etcdMembers ?? 1
  const members = etcdMembers(dir, labPrefix(options.name), underlay, memberCount)
  const state: LabState = {
    version: 1,
    name: options.name,
    prefix: labPrefix(options.name),
    dir,
    backend: options.backend,
    underlay: formatCidr(underlay),
    network,
    subnetLen,
    etcdPrefix: labEtcdPrefix(options.etcdPrefix ?? ETCD_PREFIX),
    etcdEndpoints: members.map((m) => m.clientUrl),
    etcd: members,
    hosts: [],
    createdAt: new Date().toISOString(),
  }
  writeState(state)

  log(`switch ${labPrefix(options.name)}sw with bridge br0 (${state.underlay})`)
  await createSwitch(options.name, underlay, memberCount)
  for (const member of members) startEtcdMember(state, member)
  writeState(state)
  await waitEtcdHealthy(state, members)
  log(`etcd ${state.etcdEndpoints.join(',')} (data in ${dir})`)
  await etcdctl(state, ['put', `${state.etcdPrefix}/config`, labNetworkConfig(network, subnetLen, options.backend, options.backendOptions)])

  for (let i = 1; i <= options.hosts; i++) {
    const host = newHostRecord(state, i, agent)
    await provisionHost(state, host, {entry, extraAgentArgs: options.extraAgentArgs})
    log(`${host.name} ${host.netns} ${host.publicIp}${host.pid ? ` flanctl up pid ${host.pid}` : ' (by hand)'}`)
  }
  await Promise.all(state.hosts.map((host) => completeHost(state, host)))
  await resyncManualHosts(state)
  const convergence = await waitConverged(state, options.convergeTimeoutMs ?? 20_000)
  // udp's convergence cannot see the relays' tables: a first ping may beat them
  const attempts = options.backend === 'udp' ? 5 : undefined
  const matrix = options.ping === false ? undefined : await pingMatrix(pingEndpoints(state), {concurrency: options.pingConcurrency, attempts})
  return {...summary(state, stateFile(state.name)), converged: convergence.converged, missingRoutes: convergence.missing, matrix}
}
