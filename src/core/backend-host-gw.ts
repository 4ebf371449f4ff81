// What flannel's host-gw backend programs, as desired state: for each remote host-gw lease, a
// route <subnet> via <PublicIP> dev <external interface>. The peers must be on our L2 segment,
// and the public IP must be the interface's own address (no NAT).
import type {DataplaneState, DesiredState} from './dataplane-state.js'
import {formatIp4, formatIp4Net, parseIp4} from './ip4.js'
import {fail, ok, type Result} from './result.js'
import type {Ip4Net, Lease} from './types.js'

export interface HostGwDesiredInput {
  ownLease: {subnet: Ip4Net}
  leases: readonly Lease[]
  externalInterface: string
}

export function hostGwDesired(input: HostGwDesiredInput): DesiredState {
  const {ownLease, externalInterface} = input
  const state: DataplaneState = {routes: [], neighs: [], fdb: []}
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
    state.routes.push({kind: 'route', dst: subnet, via: publicIp, dev: externalInterface, onlink: false})
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
