// What `flanctl diagnose` is given: the agent's own options (so it sees what `flanctl up` with
// the same flags sees), the etcd options, and its own (--peer, --no-probe, --timeout).
import type {EtcdStoreOptions} from '../../adapters/etcd/etcd-options.js'
import type {AgentOptions} from '../agent-deps.js'

export interface DiagnoseInput {
  agent: AgentOptions
  healthzIp: string
  healthzPort: number
  store: Pick<EtcdStoreOptions, 'endpoints' | 'prefix' | 'caFile' | 'certFile' | 'keyFile' | 'username' | 'password'>
  /** --peer SUBNET|IP: only this peer's entries and probes */
  peer?: string
  probe: boolean
  /** for each etcd request, probe and HTTP call */
  timeoutMs: number
}

/** The container bridges whose MTU and address diagnose compares with subnet.env. */
export const CONTAINER_BRIDGES = ['docker0', 'cni0'] as const
