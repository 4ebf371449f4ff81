// Changes to a running lab, each recorded in its state: a host joins, an agent stops or
// restarts, an etcd member stops or starts. The e2e tier and the benchmarks drive the lab
// through these.
import {FlanctlError} from '../core/errors.js'
import type {StopOutcome} from '../adapters/netns/processes.js'
import {loadState, writeState, type LabHost, type LabState} from './lab-state.js'
import {startAgent, stopAgent} from './agents.js'
import {completeHost, newHostRecord, nextHostIndex, provisionHost, resyncManualHosts} from './lab-host.js'
import {startEtcdMember, stopEtcdMember, waitEtcdHealthy} from './lab-etcd.js'
import {hostView, type LabHostView} from './lab-view.js'
import type {LabAgentKind} from './topology.js'

export function findHost(state: LabState, name: string): LabHost {
  const host = state.hosts.find((h) => h.name === name || h.netns === name)
  if (host === undefined) throw new FlanctlError('E_NOT_FOUND', `lab "${state.name}" has no host "${name}"`, {hint: `Hosts: ${state.hosts.map((h) => h.name).join(', ')}.`})
  return host
}

/** A new host joins the running lab (flanctl agent or made by hand), with its container. */
export async function addLabHost(name: string, options: {agent?: LabAgentKind; extraAgentArgs?: readonly string[]} = {}): Promise<LabHostView> {
  const state = loadState(name)
  const host = newHostRecord(state, nextHostIndex(state), options.agent ?? 'flanctl')
  await provisionHost(state, host, {extraAgentArgs: options.extraAgentArgs})
  await completeHost(state, host)
  await resyncManualHosts(state)
  return hostView(host)
}


export async function stopLabAgent(name: string, hostName: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
  const state = loadState(name)
  const host = findHost(state, hostName)
  const outcome = await stopAgent(host, signal)
  writeState(state)
  return outcome
}

/** Starts the host's agent again with the same command line; returns the new PID. */
export function startLabAgent(name: string, hostName: string): number {
  const state = loadState(name)
  const host = findHost(state, hostName)
  if (host.agent !== 'flanctl') throw new FlanctlError('E_USAGE', `host ${host.name} is made by hand: it has no agent`)
  const pid = startAgent(host)
  writeState(state)
  return pid
}

export async function stopLabEtcd(name: string, member = 1, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
  const state = loadState(name)
  const target = state.etcd.find((m) => m.member === member)
  if (target === undefined) throw new FlanctlError('E_NOT_FOUND', `lab "${name}" has no etcd member ${member}`)
  const outcome = await stopEtcdMember(target, signal)
  writeState(state)
  return outcome
}

/** Starts a stopped member again (same data dir) and waits until it answers. */
export async function startLabEtcd(name: string, member = 1): Promise<number> {
  const state = loadState(name)
  const target = state.etcd.find((m) => m.member === member)
  if (target === undefined) throw new FlanctlError('E_NOT_FOUND', `lab "${name}" has no etcd member ${member}`)
  const pid = startEtcdMember(state, target)
  writeState(state)
  await waitEtcdHealthy(state, [target])
  return pid
}
