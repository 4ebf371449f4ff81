// udp started read-only, for diagnose: start() opens flannel0 and binds the relay's port, so
// diagnose takes this instead. Its desired state is the route <Network> dev flannel0 (flannel0
// itself is judged by the diagnosis's device; the relay's peer table lives in the agent's
// memory, out of reach); its dataplane observes through iproute2 and never reaches a relay.
import {FlanctlError} from '../../core/errors.js'
import {formatIp4} from '../../core/ip4.js'
import type {AgentBackend, BackendStartInput} from '../backend-module.js'
import {TUN_DEVICE, UDP_OVERHEAD, udpPort} from './constants.js'
import {udpDesired} from './desired.js'

export async function inspectUdp(input: BackendStartInput): Promise<AgentBackend> {
  const {config, external, platform} = input
  const network = config.network
  if (network === undefined) throw new FlanctlError('E_INVALID_CONFIG', 'the network config has no IPv4 Network')
  const mtu = external.mtu - UDP_OVERHEAD
  return {
    type: 'udp',
    mtu,
    leaseAttrs: {publicIp: formatIp4(external.publicIp), publicIpv6: null},
    details: {device: TUN_DEVICE, port: udpPort(config.backend.port), bind: formatIp4(external.ifaceAddr)},
    activate: async () => {},
    desired: (ownLease, peers) => {
      const all = udpDesired({ownLease, leases: peers, network, device: TUN_DEVICE, mtu})
      return {state: all.state.filter((e) => e.kind === 'device-route'), warnings: all.warnings}
    },
    dataplane: platform.udpDataplane({device: TUN_DEVICE, network, relay: {current: () => undefined}}),
  }
}
