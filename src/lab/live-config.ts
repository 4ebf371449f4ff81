// What the lab's etcd holds now, read with etcdctl: the network config (an operator may have
// switched the backend since `lab up`) and each lease's backend type, by public IP.
import {decodeNetworkConfig} from '../backends/network-config.js'
import {formatIp4Net} from '../core/ip4.js'
import {UNNAMED_BACKEND} from '../core/types.js'
import type {LabState} from './lab-state.js'
import {etcdctl} from './lab-etcdctl.js'
import {readLabLeases} from './lab-leases.js'

export interface LabLiveConfig {
  /** the text at <prefix>/config; null when the key is missing or etcd did not answer */
  text: string | null
  backend: string | null
  network: string | null
  subnetLen: number | null
  /** how it differs from what `lab up` wrote: "backend vxlan -> host-gw" */
  changedSinceUp: string[]
}

/** The fields as flannel reads them (flanctl's own decoder: defaults filled in). */
function fields(text: string): Pick<LabLiveConfig, 'backend' | 'network' | 'subnetLen'> {
  const decoded = decodeNetworkConfig(text, 'the lab config')
  if (!decoded.ok) return {backend: null, network: null, subnetLen: null}
  const config = decoded.value
  return {backend: config.backend.type, network: config.network === undefined ? null : formatIp4Net(config.network), subnetLen: config.subnetLen}
}

export async function readLiveConfig(state: LabState): Promise<LabLiveConfig> {
  const out = await etcdctl(state, ['get', `${state.etcdPrefix}/config`, '--print-value-only'], {reject: false}).catch(() => undefined)
  const text = out === undefined || out.exitCode !== 0 || out.stdout.trim() === '' ? null : out.stdout.trim()
  const live = text === null ? {backend: null, network: null, subnetLen: null} : fields(text)
  const changedSinceUp: string[] = []
  if (text !== null) {
    if (live.backend !== state.backend) changedSinceUp.push(`backend ${state.backend} -> ${live.backend ?? 'unreadable'}`)
    if (live.network !== state.network) changedSinceUp.push(`network ${state.network} -> ${live.network ?? 'unreadable'}`)
    if (live.subnetLen !== state.subnetLen) changedSinceUp.push(`subnetLen ${state.subnetLen} -> ${live.subnetLen ?? 'unreadable'}`)
  }
  return {text, ...live, changedSinceUp}
}

/** Each lease's BackendType (UNNAMED_BACKEND when it names none), by the lease's PublicIP. */
export async function leaseBackends(state: LabState): Promise<Map<string, string>> {
  const leases = await readLabLeases(state).catch(() => [])
  return new Map(leases.map((lease) => [lease.publicIp, lease.backendType ?? UNNAMED_BACKEND]))
}
