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

export function vxlanDesired(input: VxlanDesiredInput): DesiredState {
  const {ownLease, device, directRouting, externalInterface} = input
  const onLink = input.localSubnetsOnLink ?? []
  const routes: RouteEntry[] = []
  const neighs: NeighEntry[] = []
  const fdb: FdbEntry[] = []
  const warnings: string[] = []
  const usable: Lease[] = []
  const data = new Map<Lease, {vtepMac: string; publicIp: number}>()
  for (const lease of input.leases) {
    if (lease.attrs.backendType !== 'vxlan') continue
    const {subnet} = lease
    if (subnet.ip === ownLease.subnet.ip && subnet.prefixLen === ownLease.subnet.prefixLen) continue
    // as flannel: a lease whose BackendData does not decode is skipped, DirectRouting or not
    const decoded = decodeVxlanBackendData(lease.attrs, describe(lease))
    if (!decoded.ok) {
      warnings.push(`${decoded.error.message}; skipped`)
      continue
    }
    const publicIp = parseIp4(lease.attrs.publicIp)
    if (publicIp === undefined) {
      warnings.push(`${describe(lease)}: PublicIP ${JSON.stringify(lease.attrs.publicIp)} is not an IPv4 address; skipped`)
      continue
    }
    usable.push(lease)
    data.set(lease, {vtepMac: decoded.value.vtepMac, publicIp})
  }
  // one VTEP per MAC: a copied VtepMAC must not take over the fdb entry of the host that has it
  const {kept, conflicts} = withoutConflicts(usable, (lease) => [data.get(lease)!.vtepMac])
  for (const {kept: older, skipped} of conflicts) {
    warnings.push(`${describe(skipped)}: VtepMAC ${data.get(skipped)!.vtepMac} is already the VtepMAC of the older lease ${older.key}; skipped`)
  }
  for (const lease of kept) {
    const {subnet} = lease
    const {vtepMac, publicIp} = data.get(lease)!
    if (directRouting && onLink.some((net) => ip4NetContains(net, publicIp))) {
      routes.push({kind: 'route', dst: subnet, via: publicIp, dev: externalInterface, onlink: false})
      continue
    }
    fdb.push({kind: 'fdb', lladdr: vtepMac, dst: publicIp, dev: device})
    neighs.push({kind: 'neigh', ip: subnet.ip, lladdr: vtepMac, dev: device, permanent: true})
    routes.push({kind: 'route', dst: subnet, via: subnet.ip, dev: device, onlink: true})
  }
  const state: KernelEntry[] = [...fdb, ...neighs, ...routes]
  return {state, warnings}
}
