// One lab host from namespace to container: create the namespace on the bridge, start its agent
// (or program it by hand), wait for subnet.env, then put a container behind it.
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {FlanctlError} from '../core/errors.js'
import type {LabHost, LabState} from './lab-state.js'
import {underlayOf, writeState} from './lab-state.js'
import {agentAlive, agentArgv, flanctlEntry, startAgent} from './agents.js'
import {createContainer} from './containers.js'
import {setUpManualHost, syncManualHostPeers} from './manual-host.js'
import {readHostSubnetEnv, type HostSubnetEnv} from './subnet-env-file.js'
import {formatCidr} from './ip4-text.js'
import {UPLINK, containerNetns, hostName, hostNetns, hostPublicIp, type LabAgentKind} from './topology.js'
import {createHostNetns} from './underlay.js'

const SUBNET_ENV_TIMEOUT_MS = 45_000

export function newHostRecord(state: LabState, index: number, agent: LabAgentKind): LabHost {
  const name = hostName(index)
  const dir = join(state.dir, name)
  return {
    name,
    index,
    netns: hostNetns(state.name, index),
    publicIp: hostPublicIp(underlayOf(state), index),
    iface: UPLINK,
    agent,
    dir,
    subnetFile: join(dir, 'subnet.env'),
    logFile: join(dir, 'agent.log'),
    container: {netns: containerNetns(state.name, index)},
  }
}

/** Namespace on the bridge, then the agent started (flanctl) or the host programmed by hand (manual). */
export async function provisionHost(state: LabState, host: LabHost, options: {entry?: string; extraAgentArgs?: readonly string[]} = {}): Promise<void> {
  if (!state.hosts.includes(host)) state.hosts.push(host)
  writeState(state) // recorded before the namespace exists: lab down finds it after a crash
  mkdirSync(host.dir, {recursive: true})
  await createHostNetns(state.name, host.index, host.netns, `${host.publicIp}/${underlayOf(state).prefixLen}`)
  if (host.agent === 'flanctl') {
    host.argv = agentArgv(state, host, options.entry ?? flanctlEntry(), options.extraAgentArgs)
    startAgent(host)
    writeState(state)
  } else {
    await setUpManualHost(state, host)
    writeState(state)
  }
}

/** Waits for the file to appear and parse; `alive` says whether waiting still makes sense. */
async function waitForSubnetEnv(file: string, options: {timeoutMs: number; alive?: () => boolean; describe: string}): Promise<HostSubnetEnv> {
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    try {
      const env = await readHostSubnetEnv(file)
      if (env !== undefined) return env
    } catch {
      // half-written by a writer that does not rename atomically: try again
    }
    if (options.alive && !options.alive()) throw new FlanctlError('E_SYSTEM', `${options.describe} exited before writing ${file}`)
    if (Date.now() > deadline) throw new FlanctlError('E_SYSTEM', `${options.describe} did not write ${file} within ${options.timeoutMs / 1000} s`)
    await sleep(50)
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
