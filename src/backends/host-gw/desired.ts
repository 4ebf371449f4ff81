// What flannel's host-gw backend programs, as desired state: for each remote host-gw lease, a
// route <subnet> via <PublicIP> dev <external interface>. The peers must be on our L2 segment,
// and the public IP must be the interface's own address (no NAT).
import type {DesiredState} from '../../core/dataplane-state.js'
import {formatIp4, formatIp4Net, parseIp4} from '../../core/ip4.js'
import {fail, ok, type Result} from '../../core/result.js'
import type {Ip4Net, Lease, LeaseAttrs} from '../../core/types.js'
import type {RouteEntry} from '../route-kind.js'

export interface HostGwDesiredInput {
  ownLease: {subnet: Ip4Net}
  leases: readonly Lease[]
  externalInterface: string
}

export function hostGwDesired(input: HostGwDesiredInput): DesiredState {
  const {ownLease, externalInterface} = input
  const state: RouteEntry[] = []
  const warnings: string[] = []
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
    state.push({kind: 'route', dst: subnet, via: publicIp, dev: externalInterface, onlink: false})
  }
  return {state, warnings}
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
