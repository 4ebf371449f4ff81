// What flannel's vxlan backend programs, as desired state. For each remote vxlan lease:
//   neighbour  <subnet>.0 lladdr <VtepMAC> dev flannel.<VNI> nud permanent
//   fdb        <VtepMAC> dev flannel.<VNI> dst <PublicIP> self permanent
//   route      <subnet> via <subnet>.0 dev flannel.<VNI> onlink
// With DirectRouting, a peer whose PublicIP is on one of our connected subnets gets a plain
// route <subnet> via <PublicIP> dev <external interface> instead (no neighbour, no fdb).
// Our own lease and leases of other backend types are ignored.
import type {DesiredState, KernelEntry} from '../../core/dataplane-state.js'
import {formatIp4Net, ip4NetContains, parseIp4} from '../../core/ip4.js'
import {withoutConflicts} from '../../core/peer-validation.js'
import type {Ip4Net, Lease} from '../../core/types.js'
import type {RouteEntry} from '../route-kind.js'
import type {FdbEntry} from './fdb-kind.js'
import {decodeVxlanBackendData} from './lease-data.js'
import type {NeighEntry} from './neigh-kind.js'

export interface VxlanDesiredInput {
  /** our lease: its subnet is skipped */
  ownLease: {subnet: Ip4Net}
  leases: readonly Lease[]
  /** the vxlan device, flannel.<VNI> */
  device: string
  directRouting: boolean
  /** the external interface's name (direct routes go out of it) */
  externalInterface: string
  /** the connected subnets of the external interface: a peer inside one is on our L2 segment (DirectRouting) */
  localSubnetsOnLink?: readonly Ip4Net[]
}

function describe(lease: Lease): string {
  return `lease ${formatIp4Net(lease.subnet)} (key ${lease.key})`
}

/** What one lease gives, remembered per lease object: an unchanged lease yields the same entry objects (plan-changes.ts). */
interface PerLease {
  /** the inputs it was computed for */
  inputs: string
  warning?: string
  vtepMac?: string
  entries?: {fdb?: FdbEntry; neigh?: NeighEntry; route: RouteEntry}
}
const perLease = new WeakMap<Lease, PerLease>()

function leaseEntries(lease: Lease, input: VxlanDesiredInput, inputs: string): PerLease {
  const cached = perLease.get(lease)
  if (cached !== undefined && cached.inputs === inputs) return cached
  const made = computeLeaseEntries(lease, input, inputs)
  perLease.set(lease, made)
  return made
}

function computeLeaseEntries(lease: Lease, input: VxlanDesiredInput, inputs: string): PerLease {
  const {device, directRouting, externalInterface} = input
  const {subnet} = lease
  // as flannel: a lease whose BackendData does not decode is skipped, DirectRouting or not
  const decoded = decodeVxlanBackendData(lease.attrs, describe(lease))
  if (!decoded.ok) return {inputs, warning: `${decoded.error.message}; skipped`}
  const publicIp = parseIp4(lease.attrs.publicIp)
  if (publicIp === undefined) return {inputs, warning: `${describe(lease)}: PublicIP ${JSON.stringify(lease.attrs.publicIp)} is not an IPv4 address; skipped`}
  const vtepMac = decoded.value.vtepMac
  if (directRouting && (input.localSubnetsOnLink ?? []).some((net) => ip4NetContains(net, publicIp))) {
    return {inputs, vtepMac, entries: {route: {kind: 'route', dst: subnet, via: publicIp, dev: externalInterface, onlink: false}}}
  }
  return {
    inputs,
    vtepMac,
    entries: {
      fdb: {kind: 'fdb', lladdr: vtepMac, dst: publicIp, dev: device},
      neigh: {kind: 'neigh', ip: subnet.ip, lladdr: vtepMac, dev: device, permanent: true},
      route: {kind: 'route', dst: subnet, via: subnet.ip, dev: device, onlink: true},
    },
  }
}

export function vxlanDesired(input: VxlanDesiredInput): DesiredState {
  const {ownLease} = input
  const inputs = `${input.device} ${input.directRouting} ${input.externalInterface} ${(input.localSubnetsOnLink ?? []).map(formatIp4Net).join(',')}`
  const routes: RouteEntry[] = []
  const neighs: NeighEntry[] = []
  const fdb: FdbEntry[] = []
  const warnings: string[] = []
  const usable: Lease[] = []
  const data = new Map<Lease, PerLease>()
  for (const lease of input.leases) {
    if (lease.attrs.backendType !== 'vxlan') continue
    const {subnet} = lease
    if (subnet.ip === ownLease.subnet.ip && subnet.prefixLen === ownLease.subnet.prefixLen) continue
    const one = leaseEntries(lease, input, inputs)
    if (one.warning !== undefined) {
      warnings.push(one.warning)
      continue
    }
    usable.push(lease)
    data.set(lease, one)
  }
  // one VTEP per MAC: a copied VtepMAC must not take over the fdb entry of the host that has it
  const {kept, conflicts} = withoutConflicts(usable, (lease) => [data.get(lease)!.vtepMac!])
  for (const {kept: older, skipped} of conflicts) {
    warnings.push(`${describe(skipped)}: VtepMAC ${data.get(skipped)!.vtepMac} is already the VtepMAC of the older lease ${older.key}; skipped`)
  }
  for (const lease of kept) {
    const entries = data.get(lease)!.entries!
    if (entries.fdb !== undefined) fdb.push(entries.fdb)
    if (entries.neigh !== undefined) neighs.push(entries.neigh)
    routes.push(entries.route)
  }
  const state: KernelEntry[] = [...fdb, ...neighs, ...routes]
  return {state, warnings}
}
