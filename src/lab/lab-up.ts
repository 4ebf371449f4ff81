// `flanctl lab up`: switch + bridge, private etcd, network config, N hosts running `flanctl up`
// (or programmed by hand), a container behind each, then the ping matrix.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {FlanctlError} from '../core/errors.js'
import {listNetns} from '../adapters/netns/namespaces.js'
import {readState, stateFile, writeState, type LabState} from './lab-state.js'
import {etcdctl, etcdMembers, startEtcdMember, waitEtcdHealthy} from './lab-etcd.js'
import {flanctlEntry} from './agents.js'
import {completeHost, newHostRecord, provisionHost, resyncManualHosts} from './lab-host.js'
import {waitConverged} from './convergence.js'
import {pingMatrix} from './ping-matrix.js'
import {pingEndpoints, summary, type LabUpResult} from './lab-view.js'
import {parseCidr} from './ip4-text.js'
import {DEFAULT_NETWORK, DEFAULT_SUBNET_LEN, ETCD_PREFIX, MAX_HOSTS, labPrefix, validateLabName, type LabAgentKind, type LabBackend} from './topology.js'
import {createSwitch} from './underlay.js'

export const LAB_DIR_MARKER = '.flanctl-lab'

export interface LabUpOptions {
  name: string
  hosts: number
  backend: LabBackend
  agent?: LabAgentKind
  etcdMembers?: 1 | 3
  network?: string
  subnetLen?: number
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
export function labNetworkConfig(network: string, subnetLen: number, backend: LabBackend): string {
  return JSON.stringify({Network: network, SubnetLen: subnetLen, Backend: {Type: backend}})
}

export function labDirPrefix(name: string): string {
  return `flanctl-lab-${name}-`
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
  const network = options.network ?? DEFAULT_NETWORK
  const subnetLen = options.subnetLen ?? DEFAULT_SUBNET_LEN
  if (parseCidr(network) === undefined) throw new FlanctlError('E_USAGE', `network ${network} is not an IPv4 CIDR`)
  const entry = agent === 'flanctl' ? flanctlEntry() : undefined
  await assertFree(options.name)

  const dir = mkdtempSync(join(tmpdir(), labDirPrefix(options.name)))
  writeFileSync(join(dir, LAB_DIR_MARKER), `${options.name}\n`)
  const memberCount = options.etcdMembers ?? 1
  const members = etcdMembers(dir, labPrefix(options.name), memberCount)
  const state: LabState = {
    version: 1,
    name: options.name,
    prefix: labPrefix(options.name),
    dir,
    backend: options.backend,
    network,
    subnetLen,
    etcdPrefix: ETCD_PREFIX,
    etcdEndpoints: members.map((m) => m.clientUrl),
    etcd: members,
    hosts: [],
    createdAt: new Date().toISOString(),
  }
  writeState(state)

  log(`switch ${labPrefix(options.name)}sw with bridge br0 (192.0.2.0/24)`)
  await createSwitch(options.name, memberCount)
  for (const member of members) startEtcdMember(state, member)
  writeState(state)
  await waitEtcdHealthy(state, members)
  log(`etcd ${state.etcdEndpoints.join(',')} (data in ${dir})`)
  await etcdctl(state, ['put', `${state.etcdPrefix}/config`, labNetworkConfig(network, subnetLen, options.backend)])

  for (let i = 1; i <= options.hosts; i++) {
    const host = newHostRecord(state, i, agent)
    await provisionHost(state, host, {entry, extraAgentArgs: options.extraAgentArgs})
    log(`${host.name} ${host.netns} ${host.publicIp}${host.pid ? ` flanctl up pid ${host.pid}` : ' (by hand)'}`)
  }
  await Promise.all(state.hosts.map((host) => completeHost(state, host)))
  await resyncManualHosts(state)
  const convergence = await waitConverged(state, options.convergeTimeoutMs ?? 20_000)
  const matrix = options.ping === false ? undefined : await pingMatrix(pingEndpoints(state), {concurrency: options.pingConcurrency})
  return {...summary(state, stateFile(state.name)), converged: convergence.converged, missingRoutes: convergence.missing, matrix}
}
