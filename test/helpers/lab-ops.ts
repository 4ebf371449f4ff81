// Changes to a running lab that only the e2e tier and the benchmarks make, each recorded in
// the lab's state: a host joins, an agent stops or restarts, an etcd member stops or starts.
import type {StopOutcome} from '../../src/adapters/netns/processes.js'
import {startAgent, stopAgent} from '../../src/lab/agents.js'
import {startEtcdMember, stopEtcdMember, waitEtcdHealthy} from '../../src/lab/lab-etcd.js'
import {completeHost, newHostRecord, provisionHost, resyncManualHosts} from '../../src/lab/lab-host.js'
import {loadState, writeState, type LabEtcdMember, type LabHost, type LabState} from '../../src/lab/lab-state.js'
import {hostView, type LabHostView} from '../../src/lab/lab-view.js'
import {MAX_HOSTS, type LabAgentKind} from '../../src/lab/topology.js'

function findHost(state: LabState, name: string): LabHost {
  const host = state.hosts.find((h) => h.name === name || h.netns === name)
  if (host === undefined) throw new Error(`lab "${state.name}" has no host "${name}" (hosts: ${state.hosts.map((h) => h.name).join(', ')})`)
  return host
}

function findMember(state: LabState, member: number): LabEtcdMember {
  const target = state.etcd.find((m) => m.member === member)
  if (target === undefined) throw new Error(`lab "${state.name}" has no etcd member ${member}`)
  return target
}

/** A new host joins the running lab (flanctl agent or made by hand), with its container. */
export async function addLabHost(name: string, options: {agent?: LabAgentKind; extraAgentArgs?: readonly string[]} = {}): Promise<LabHostView> {
  const state = loadState(name)
  const index = state.hosts.reduce((max, host) => Math.max(max, host.index), 0) + 1
  if (index > MAX_HOSTS) throw new Error(`a lab holds at most ${MAX_HOSTS} hosts`)
  const host = newHostRecord(state, index, options.agent ?? 'flanctl')
  await provisionHost(state, host, {extraAgentArgs: options.extraAgentArgs})
  await completeHost(state, host)
  await resyncManualHosts(state)
  return hostView(host)
}

export async function stopLabAgent(name: string, hostName: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
  const state = loadState(name)
  const outcome = await stopAgent(findHost(state, hostName), signal)
  writeState(state)
  return outcome
}

/** Starts the host's agent again with the same command line; returns the new PID. */
export function startLabAgent(name: string, hostName: string): number {
  const state = loadState(name)
  const host = findHost(state, hostName)
  if (host.agent !== 'flanctl') throw new Error(`host ${host.name} is made by hand: it has no agent`)
  const pid = startAgent(host)
  writeState(state)
  return pid
}

export async function stopLabEtcd(name: string, member = 1, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
  const state = loadState(name)
  const outcome = await stopEtcdMember(findMember(state, member), signal)
  writeState(state)
  return outcome
}

/** Starts a stopped member again (same data dir) and waits until it answers. */
export async function startLabEtcd(name: string, member = 1): Promise<number> {
  const state = loadState(name)
  const target = findMember(state, member)
  const pid = startEtcdMember(state, target)
  writeState(state)
  await waitEtcdHealthy(state, [target])
  return pid
}
