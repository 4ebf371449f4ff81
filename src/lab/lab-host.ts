// One lab host from namespace to container: create the namespace on the bridge, start its agent
// (or program it by hand), wait for subnet.env, then put a container behind it.
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {FlanctlError} from '../core/errors.js'
import type {LabHost, LabState} from './lab-state.js'
import {writeState} from './lab-state.js'
import {agentAlive, agentArgv, flanctlEntry, startAgent} from './agents.js'
import {createContainer} from './containers.js'
import {setUpManualHost, syncManualHostPeers} from './manual-host.js'
import {waitForSubnetEnv} from './subnet-env-file.js'
import {formatCidr} from './ip4-text.js'
import {MAX_HOSTS, UPLINK, containerNetns, hostName, hostNetns, hostPublicIp, type LabAgentKind} from './topology.js'
import {createHostNetns} from './underlay.js'

export const SUBNET_ENV_TIMEOUT_MS = 45_000

export function newHostRecord(state: LabState, index: number, agent: LabAgentKind): LabHost {
  const name = hostName(index)
  const dir = join(state.dir, name)
  return {
    name,
    index,
    netns: hostNetns(state.name, index),
    publicIp: hostPublicIp(index),
    iface: UPLINK,
    agent,
    dir,
    subnetFile: join(dir, 'subnet.env'),
    logFile: join(dir, 'agent.log'),
    container: {netns: containerNetns(state.name, index)},
  }
}

export function nextHostIndex(state: LabState): number {
  const index = state.hosts.reduce((max, host) => Math.max(max, host.index), 0) + 1
  if (index > MAX_HOSTS) throw new FlanctlError('E_USAGE', `a lab holds at most ${MAX_HOSTS} hosts`)
  return index
}

/** Namespace on the bridge, then the agent started (flanctl) or the host programmed by hand (manual). */
export async function provisionHost(state: LabState, host: LabHost, options: {entry?: string; extraAgentArgs?: readonly string[]} = {}): Promise<void> {
  if (!state.hosts.includes(host)) state.hosts.push(host)
  writeState(state) // recorded before the namespace exists: lab down finds it after a crash
  mkdirSync(host.dir, {recursive: true})
  await createHostNetns(state.name, host.index, host.netns)
  if (host.agent === 'flanctl') {
    host.argv = agentArgv(state, host, options.entry ?? flanctlEntry(), options.extraAgentArgs)
    startAgent(host)
    writeState(state)
  } else {
    await setUpManualHost(state, host)
    writeState(state)
  }
}

/** Waits for the host's subnet.env and creates its container. */
export async function completeHost(state: LabState, host: LabHost, timeoutMs = SUBNET_ENV_TIMEOUT_MS): Promise<void> {
  const env = await waitForSubnetEnv(host.subnetFile, {
    timeoutMs,
    alive: host.agent === 'flanctl' ? () => agentAlive(host) : undefined,
    describe: host.agent === 'flanctl' ? `flanctl up in ${host.netns} (pid ${host.pid}, log ${host.logFile})` : `hand-made host ${host.name}`,
  }).catch((error: unknown) => {
    throw error instanceof FlanctlError ? new FlanctlError(error.code, error.message, {hint: `See ${host.logFile}; remove the lab with \`flanctl lab down --name ${state.name}\`.`}) : error
  })
  host.subnet = formatCidr(env.subnet)
  host.mtu = env.mtu
  writeState(state)
  host.container.ip = await createContainer(host.netns, host.container.netns, env)
  writeState(state)
}

/** Hand-made hosts have no watch: program their peers once more after the lab changed. */
export async function resyncManualHosts(state: LabState): Promise<void> {
  for (const host of state.hosts) if (host.agent === 'manual' && host.subnet !== undefined) await syncManualHostPeers(state, host)
}
