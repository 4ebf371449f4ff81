// `flanctl lab restart HOST`: what an operator does with `systemctl restart flanneld`. The host's
// running agent (the lab's, or one restarted by hand) is stopped by its PID with SIGTERM, which
// leaves the lease and the kernel state in place; the same command line starts again, and the
// restart is done when the new agent has written subnet.env anew (it does so once it is ready
// to serve: lease, backend, rules).
import {stat} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'
import {FlanctlError} from '../core/errors.js'
import type {StopOutcome} from '../adapters/netns/processes.js'
import {agentAlive, startAgent, stopAgent} from './agents.js'
import {loadState, writeState, type LabHost, type LabState} from './lab-state.js'
import {validateLabName} from './lab-name.js'
import {liveAgentPid} from './live-agents.js'
import {readHostSubnetEnv} from './subnet-env-file.js'
import {formatCidr} from './ip4-text.js'

const READY_TIMEOUT_MS = 60_000

export interface LabRestartResult {
  name: string
  host: string
  /** the agent that was stopped, if one ran */
  previousPid: number | null
  stopped: StopOutcome | 'not-running'
  pid: number
  previousSubnet: string | null
  subnet: string
  mtu: number
  logFile: string
  /** the container kept its address from the old subnet */
  containerStale: boolean
}

function findHost(state: LabState, target: string): LabHost {
  const host = state.hosts.find((h) => h.name === target || h.netns === target)
  if (host === undefined) {
    throw new FlanctlError('E_NOT_FOUND', `lab ${state.name} has no host ${JSON.stringify(target)}`, {hint: `Its hosts: ${state.hosts.map((h) => h.name).join(', ')}.`})
  }
  if (host.agent !== 'flanctl' || host.argv === undefined) {
    throw new FlanctlError('E_USAGE', `${host.name} is programmed by hand (lab up --agent manual): it has no agent to restart`)
  }
  return host
}

async function mtimeMs(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.mtimeMs
}

/** Waits until the new agent has rewritten subnet.env after `since`; fails when the agent exits first. */
async function waitRewritten(host: LabHost, since: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const written = await mtimeMs(host.subnetFile)
    if (written !== undefined && written >= since && (await readHostSubnetEnv(host.subnetFile).catch(() => undefined)) !== undefined) return
    if (!agentAlive(host)) throw new FlanctlError('E_SYSTEM', `flanctl up on ${host.name} (pid ${host.pid}) exited after the restart; see ${host.logFile}`)
    if (Date.now() > deadline) throw new FlanctlError('E_SYSTEM', `flanctl up on ${host.name} (pid ${host.pid}) did not rewrite ${host.subnetFile} within ${timeoutMs / 1000} s; see ${host.logFile}`)
    await sleep(50)
  }
}

export async function labRestart(options: {name: string; host: string; timeoutMs?: number}): Promise<LabRestartResult> {
  validateLabName(options.name)
  const state = loadState(options.name)
  const host = findHost(state, options.host)
  const previousSubnet = host.subnet ?? null
  host.pid = await liveAgentPid(host)
  const previousPid = host.pid ?? null
  const stopped = previousPid === null ? 'not-running' : await stopAgent(host)
  if (stopped === 'not-ours') throw new FlanctlError('E_CONFLICT', `pid ${previousPid} no longer runs ${host.name}'s agent; left alone`)
  writeState(state)
  // the old agent is gone: a subnet.env written after this moment is the new agent's (it writes
  // it a second or more after its start, far past the file clock's few ms of coarseness)
  const startedAt = Date.now()
  startAgent(host)
  writeState(state)
  await waitRewritten(host, startedAt, options.timeoutMs ?? READY_TIMEOUT_MS)
  const env = (await readHostSubnetEnv(host.subnetFile))!
  host.subnet = formatCidr(env.subnet)
  host.mtu = env.mtu
  writeState(state)
  return {
    name: state.name,
    host: host.name,
    previousPid,
    stopped,
    pid: host.pid!,
    previousSubnet,
    subnet: host.subnet,
    mtu: host.mtu,
    logFile: host.logFile,
    containerStale: previousSubnet !== null && previousSubnet !== host.subnet,
  }
}
