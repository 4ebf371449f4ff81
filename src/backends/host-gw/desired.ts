// What flannel's host-gw backend programs, as desired state: for each remote host-gw lease, a
// route <subnet> via <PublicIP> dev <external interface>. The peers must be on our L2 segment,
// and the public IP must be the interface's own address (no NAT).
import type {DesiredState} from '../../core/dataplane-state.js'
import {formatIp4, formatIp4Net, ip4NetContains, parseIp4} from '../../core/ip4.js'
import {fail, ok, type Result} from '../../core/result.js'
import type {Ip4Net, Lease, LeaseAttrs} from '../../core/types.js'
import type {RouteEntry} from '../route-kind.js'

export interface HostGwDesiredInput {
  ownLease: {subnet: Ip4Net}
  leases: readonly Lease[]
  externalInterface: string
  /** the external interface's connected subnets: a peer outside them is not on our L2 segment; absent: not checked */
  onLinkSubnets?: readonly Ip4Net[]
}

export function hostGwDesired(input: HostGwDesiredInput): DesiredState {
  const {ownLease, externalInterface} = input
  const state: RouteEntry[] = []
  const warnings: string[] = []
  const degraded: string[] = []
  for (const lease of input.leases) {
    if (lease.attrs.backendType !== 'host-gw') continue
    const {subnet} = lease
    if (subnet.ip === ownLease.subnet.ip && subnet.prefixLen === ownLease.subnet.prefixLen) continue
    const publicIp = parseIp4(lease.attrs.publicIp)
    if (publicIp === undefined) {
      warnings.push(
        `lease ${formatIp4Net(subnet)} (key ${lease.key}): PublicIP ${JSON.stringify(lease.attrs.publicIp)} is not an IPv4 address; skipped`,
      )
      continue
    }
    const onLink = input.onLinkSubnets
    if (onLink !== undefined && !onLink.some((net) => ip4NetContains(net, publicIp))) {
      // the kernel would refuse the route (no neighbour can be the gateway): say why, once
      const subnets = onLink.length === 0 ? 'none' : onLink.map(formatIp4Net).join(', ')
      warnings.push(
        `lease ${formatIp4Net(subnet)} (key ${lease.key}): host-gw peer ${lease.attrs.publicIp} is not on ${externalInterface}'s subnet (${subnets}), so it cannot be a next hop; ` +
          'host-gw needs every host on one L2 segment: use the vxlan backend (with "DirectRouting": true for the peers that share the segment); skipped',
      )
      degraded.push(`host-gw peer ${lease.attrs.publicIp} (${formatIp4Net(subnet)}) is not on ${externalInterface}'s L2 segment`)
      continue
    }
    state.push({kind: 'route', dst: subnet, via: publicIp, dev: externalInterface, onlink: false})
  }
  return degraded.length > 0 ? {state, warnings, degraded} : {state, warnings}
}

/** host-gw refuses to start behind NAT, as flannel does: the next hop peers use is our public IP. */
export function hostGwPreflight(external: {name: string; ifaceAddr: number; publicIp: number}): Result<void> {
  if (external.ifaceAddr === external.publicIp) return ok(undefined)
  return fail(
    'E_USAGE',
    `your PublicIP ${formatIp4(external.publicIp)} differs from the address ${formatIp4(external.ifaceAddr)} of interface ` +
      `${external.name}, meaning that probably you're on a NAT, which is not supported by host-gw backend`,
  )
}

/** host-gw's lease value: a BackendType and no BackendData. */
export function hostGwLeaseAttrs(publicIp: string): LeaseAttrs {
  return {publicIp, publicIpv6: null, backendType: 'host-gw'}
}
