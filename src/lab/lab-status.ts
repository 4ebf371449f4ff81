// `flanctl lab status`: hosts, subnets (re-read from subnet.env), whether agents and etcd
// members are alive, namespaces missing, and the ping matrix on request.
import {listNetns} from '../adapters/netns/namespaces.js'
import {runCommand} from '../adapters/netns/run-command.js'
import {isRunning} from '../adapters/netns/processes.js'
import {loadState, stateFile} from './lab-state.js'
import {checkConvergence} from './convergence.js'
import {pingMatrix, type PingMatrix} from './ping-matrix.js'
import {readHostSubnetEnv} from './subnet-env-file.js'
import {formatCidr} from './ip4-text.js'
import {pingEndpoints, summary, type LabEtcdView, type LabSummary} from './lab-view.js'
import {validateLabName} from './lab-name.js'
import {switchNetns} from './topology.js'
import {adoptLiveAgents} from './live-agents.js'
import {leaseBackends, readLiveConfig, type LabLiveConfig} from './live-config.js'

export interface LabStatusResult extends LabSummary {
  etcd: LabEtcdView[]
  missingNamespaces: string[]
  converged: boolean
  missingRoutes: string[]
  matrix?: PingMatrix
  /** the config in etcd now, and how it differs from what `lab up` wrote */
  liveConfig: LabLiveConfig
  /** hosts whose agent runs under another PID than the lab started (restarted by hand): adopted */
  restartedByHand: string[]
  /** each host's lease's backend type, where it differs from the live config's */
  staleBackends: Array<{host: string; leaseBackend: string}>
}

/** The smallest MTU of the containers' eth0: the full-size packet they can send (docker's --mtu when made). */
async function containersMtu(namespaces: readonly string[]): Promise<number | undefined> {
  const mtus = await Promise.all(namespaces.map(async (ns) => {
    const out = await runCommand('ip', ['-n', ns, '-j', 'link', 'show', 'dev', 'eth0'], {reject: false})
    try {
      return (JSON.parse(out.stdout) as Array<{mtu?: number}>)[0]?.mtu
    } catch {
      return undefined
    }
  }))
  const known = mtus.filter((m): m is number => m !== undefined)
  return known.length > 0 ? Math.min(...known) : undefined
}

export async function labStatus(options: {name: string; ping?: boolean}): Promise<LabStatusResult> {
  validateLabName(options.name)
  const state = loadState(options.name)
  for (const host of state.hosts) {
    const env = await readHostSubnetEnv(host.subnetFile).catch(() => undefined)
    if (env !== undefined) {
      host.subnet = formatCidr(env.subnet)
      host.mtu = env.mtu
    }
  }
  const existing = new Set(await listNetns())
  const restartedByHand = await adoptLiveAgents(state)
  const [liveConfig, backends] = await Promise.all([readLiveConfig(state), leaseBackends(state)])
  const staleBackends = state.hosts.flatMap((h) => {
    const leaseBackend = backends.get(h.publicIp)
    return leaseBackend !== undefined && liveConfig.backend !== null && leaseBackend !== liveConfig.backend ? [{host: h.name, leaseBackend}] : []
  })
  const expected = [switchNetns(state.name), ...state.hosts.flatMap((h) => [h.netns, h.container.netns])]
  const missingNamespaces = expected.filter((ns) => !existing.has(ns))
  const present = state.hosts.filter((h) => existing.has(h.netns))
  const convergence = missingNamespaces.length === 0 ? await checkConvergence(state, present) : {converged: false, missing: []}
  const etcd = state.etcd.map((m) => ({member: m.name, clientUrl: m.clientUrl, pid: m.pid, alive: m.pid !== undefined && isRunning(m.pid, m.dataDir)}))
  const endpoints = pingEndpoints(state).filter((e) => existing.has(e.netns))
  const matrix = options.ping ? await pingMatrix(endpoints, {fullSize: await containersMtu(endpoints.map((e) => e.netns))}) : undefined
  return {...summary(state, stateFile(state.name)), etcd, missingNamespaces, converged: convergence.converged, missingRoutes: convergence.missing, matrix, liveConfig, restartedByHand, staleBackends}
}
