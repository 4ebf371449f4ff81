// The external interface must reach the other hosts: an address inside the flannel Network is
// docker0's, flannel.1's or a container's, and a lease with it as PublicIP would route the
// overlay through itself. flanneld takes it; flanctl refuses, naming the interface and the flag.
import {formatIp4, formatIp4Net, ip4NetContains} from './ip4.js'
import type {ExternalInterface} from './external-interface.js'
import type {Ip4Net} from './types.js'

/** Why the chosen interface cannot be the external one; undefined when it can. */
export function interfaceInNetworkProblem(external: Pick<ExternalInterface, 'name' | 'ifaceAddr' | 'publicIp'>, network: Ip4Net): string | undefined {
  for (const [what, ip] of [['address', external.ifaceAddr], ['public IP', external.publicIp]] as const) {
    if (ip4NetContains(network, ip)) {
      return `the ${what} ${formatIp4(ip)} of interface ${external.name} is inside the flannel Network ${formatIp4Net(network)}: it is an overlay address (docker0, flannel.1), not one that reaches the other hosts`
    }
  }
  return undefined
}
