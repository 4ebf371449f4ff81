// What a backend module tells `flanctl diagnose` beyond its desired state and observe(): the
// kernel feature it needs, the UDP port its encapsulation uses, where a probe through the
// overlay goes, whether its peers must share our L2 segment, and its own device as the lease
// wants it (expected facts) and as the kernel has it (read). udp's flannel0 fits the same shape.
// A module with a diagnosis promises that its start() only reads the kernel, or gives inspect():
// diagnose starts it (or inspects) to get its desired state and its observe(), and never calls
// activate() or run(). (udp's start opens flannel0 and binds its port: it has inspect.)
import type {DeviceFacts} from '../core/diagnose/snapshot.js'
import type {ExternalInterface} from '../core/external-interface.js'
import type {BackendConfig, Ip4Net, Lease, NetworkConfig} from '../core/types.js'
import type {AgentBackend, BackendStartInput} from './backend-module.js'
import type {BackendPlatform} from './platform.js'

export interface DeviceExpectation {
  name: string
  facts: DeviceFacts
  /** the command that fixes one field in place, where that is safe */
  fieldFixes: Record<string, string>
}

export interface DeviceInput {
  config: NetworkConfig
  external: ExternalInterface
  ownLease: Lease
  /** FLANNEL_MTU the backend gives */
  mtu: number
}

export interface BackendDiagnosis {
  /** present when any of the paths exists (/sys/module/vxlan, /dev/net/tun) */
  kernelFeature?: {name: string; paths: readonly string[]}
  encapsulation?(backend: BackendConfig): {port: number; what: string}
  /** host-gw: next hops must be on a connected subnet */
  needsL2: boolean
  /** the peer's address a ping through the overlay goes to */
  overlayAddress(lease: Lease): number
  /** a read-only start(), for a module whose start() changes the kernel (udp: the relay) */
  inspect?(input: BackendStartInput): Promise<AgentBackend>
  /** what dataplane.peers cannot see, said in its evidence (udp: the relay's peer table) */
  peersNote?: string
  device?: {
    expected(input: DeviceInput): DeviceExpectation
    read(name: string, platform: BackendPlatform, context: {network: Ip4Net; ownSubnet: Ip4Net; expected: DeviceFacts}): Promise<DeviceFacts | undefined>
  }
}
