// host-gw's kernel side: no device, a route per peer via the external interface. Refuses to
// start behind NAT, as flannel does.
import {FlanctlError} from '../../core/errors.js'
import {formatIp4} from '../../core/ip4.js'
import type {AgentBackend, BackendStartInput} from '../backend-module.js'
import {hostGwDesired, hostGwLeaseAttrs, hostGwPreflight} from './desired.js'

export async function startHostGw(input: BackendStartInput): Promise<AgentBackend> {
  const {config, external, platform} = input
  const network = config.network
  if (network === undefined) throw new FlanctlError('E_INVALID_CONFIG', 'the network config has no IPv4 Network')
  const preflight = hostGwPreflight({name: external.name, ifaceAddr: external.ifaceAddr, publicIp: external.publicIp})
  if (!preflight.ok) {
    throw new FlanctlError(preflight.error.code, preflight.error.message, {hint: 'host-gw needs the hosts on one L2 segment without NAT: drop --public-ip, or use the vxlan backend.'})
  }
  return {
    type: 'host-gw',
    // no encapsulation: the underlay's MTU
    mtu: external.mtu,
    leaseAttrs: hostGwLeaseAttrs(formatIp4(external.publicIp)),
    details: {iface: external.name},
    activate: async () => {},
    desired: (ownLease, peers) => hostGwDesired({ownLease, leases: peers, externalInterface: external.name, onLinkSubnets: external.onLinkSubnets}),
    dataplane: platform.hostGwDataplane({externalInterface: external.name, network}),
  }
}
