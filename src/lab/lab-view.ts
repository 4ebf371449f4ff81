// The typed shapes `lab up` / `lab status` return (and --json prints).
import type {LabHost, LabState} from './lab-state.js'
import {agentAlive} from './agents.js'
import type {PingEndpoint, PingMatrix} from './ping-matrix.js'

export interface LabHostView {
  name: string
  netns: string
  publicIp: string
  agent: 'flanctl' | 'manual'
  /** flanctl agents only */
  pid?: number
  alive: boolean
  subnet?: string
  mtu?: number
  subnetFile: string
  logFile: string
  container: {netns: string; ip?: string}
}

export interface LabEtcdView {
  member: string
  clientUrl: string
  pid?: number
  alive: boolean
}

export interface LabSummary {
  name: string
  dir: string
  stateFile: string
  backend: string
  underlay: string
  network: string
  subnetLen: number
  etcdEndpoints: string[]
  hosts: LabHostView[]
}

export interface LabUpResult extends LabSummary {
  converged: boolean
  missingRoutes: string[]
  matrix?: PingMatrix
}

export function hostView(host: LabHost): LabHostView {
  return {
    name: host.name,
    netns: host.netns,
    publicIp: host.publicIp,
    agent: host.agent,
    pid: host.pid,
    alive: host.agent === 'manual' ? true : agentAlive(host),
    subnet: host.subnet,
    mtu: host.mtu,
    subnetFile: host.subnetFile,
    logFile: host.logFile,
    container: {...host.container},
  }
}

export function summary(state: LabState, stateFile: string): LabSummary {
  return {
    name: state.name,
    dir: state.dir,
    stateFile,
    backend: state.backend,
    underlay: state.underlay,
    network: state.network,
    subnetLen: state.subnetLen,
    etcdEndpoints: state.etcdEndpoints,
    hosts: state.hosts.map(hostView),
  }
}

/** Containers that have an address, as ping endpoints. */
export function pingEndpoints(state: LabState): PingEndpoint[] {
  return state.hosts.filter((h) => h.container.ip !== undefined).map((h) => ({host: h.name, netns: h.container.netns, ip: h.container.ip!}))
}
