// The lab's state file, /run/flanctl-lab/<name>/state.json. It is written before anything is
// created and after every step, so `lab down` can undo a lab whose `lab up` crashed half-way.
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {FlanctlError} from '../core/errors.js'
import {parseCidr, type Cidr} from './ip4-text.js'
import type {LabAgentKind, LabBackend} from './topology.js'

const STATE_ROOT = '/run/flanctl-lab'

export interface LabEtcdMember {
  /** 1-based; listens on the underlay's .<member> */
  member: number
  name: string
  clientUrl: string
  peerUrl: string
  dataDir: string
  logFile: string
  argv: string[]
  pid?: number
}

interface LabContainer {
  netns: string
  /** the container's address, e.g. 198.18.23.2 */
  ip?: string
}

export interface LabHost {
  /** "h1" */
  name: string
  index: number
  netns: string
  publicIp: string
  iface: string
  agent: LabAgentKind
  dir: string
  subnetFile: string
  logFile: string
  /** flanctl agents: the argv started (to restart it the same way) and its PID */
  argv?: string[]
  pid?: number
  /** from subnet.env once written */
  subnet?: string
  mtu?: number
  container: LabContainer
}

export interface LabState {
  version: 1
  name: string
  prefix: string
  /** temp dir holding etcd data, logs and each host's subnet.env */
  dir: string
  backend: LabBackend
  /** the hosts' and the switch's range, e.g. 203.0.113.0/24 */
  underlay: string
  network: string
  subnetLen: number
  etcdPrefix: string
  etcdEndpoints: string[]
  etcd: LabEtcdMember[]
  hosts: LabHost[]
  createdAt: string
}

export function stateDir(name: string): string {
  return join(STATE_ROOT, name)
}

export function stateFile(name: string): string {
  return join(stateDir(name), 'state.json')
}

export function readState(name: string): LabState | undefined {
  const file = stateFile(name)
  if (!existsSync(file)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new FlanctlError('E_BAD_DATA', `lab state ${file} is not valid JSON: ${(error as Error).message}`, {hint: `Run \`flanctl lab down --name ${name}\`: it also removes a lab without readable state.`})
  }
  const state = parsed as Partial<LabState>
  if (state.version !== 1 || state.name !== name || typeof state.dir !== 'string' || !Array.isArray(state.hosts)) {
    throw new FlanctlError('E_BAD_DATA', `lab state ${file} is not a flanctl lab state (version 1, name ${name})`)
  }
  return state as LabState
}

/** The state of lab `name`, or E_NOT_FOUND naming the file and the labs that exist. */
export function loadState(name: string): LabState {
  const state = readState(name)
  if (state === undefined) {
    const known = listLabNames()
    throw new FlanctlError('E_NOT_FOUND', `no lab named "${name}" (no ${stateFile(name)})`, {
      hint: known.length > 0 ? `Labs that exist: ${known.join(', ')} (use --name).` : 'Start one with `flanctl lab up --hosts 3 --backend vxlan`.',
    })
  }
  return state
}

/** Atomic: a crash never leaves half a state file. */
export function writeState(state: LabState): void {
  const dir = stateDir(state.name)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const temp = join(dir, `.state.json.${process.pid}.tmp`)
  writeFileSync(temp, JSON.stringify(state, null, 2) + '\n', {mode: 0o600})
  renameSync(temp, stateFile(state.name))
}

export function removeState(name: string): boolean {
  const dir = stateDir(name)
  if (!existsSync(dir)) return false
  rmSync(dir, {recursive: true, force: true})
  return true
}

function listLabNames(): string[] {
  try {
    return readdirSync(STATE_ROOT).filter((entry) => existsSync(stateFile(entry))).sort()
  } catch {
    return []
  }
}

/** The state's underlay range as numbers. */
export function underlayOf(state: LabState): Cidr {
  const underlay = parseCidr(state.underlay ?? '')
  if (underlay === undefined) throw new FlanctlError('E_BAD_DATA', `lab state ${stateFile(state.name)} has no valid underlay range (${String(state.underlay)})`, {hint: `Remove the lab with \`flanctl lab down --name ${state.name}\` and start it again.`})
  return underlay
}
