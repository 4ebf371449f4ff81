// What flannel's vxlan backend programs, as desired state. For each remote vxlan lease:
//   neighbour  <subnet>.0 lladdr <VtepMAC> dev flannel.<VNI> nud permanent
//   fdb        <VtepMAC> dev flannel.<VNI> dst <PublicIP> self permanent
//   route      <subnet> via <subnet>.0 dev flannel.<VNI> onlink
// With DirectRouting, a peer whose PublicIP is on one of our connected subnets gets a plain
// route <subnet> via <PublicIP> dev <external interface> instead (no neighbour, no fdb).
// Our own lease and leases of other backend types are ignored.
import {encapOverhead} from './backend-mtu.js'
import type {DataplaneState, DesiredState} from './dataplane-state.js'
import {formatIp4, formatIp4Net, ip4NetContains, parseIp4} from './ip4.js'
import {decodeVxlanBackendData} from './lease-codec.js'
import type {Ip4Net, Lease} from './types.js'

/** flannel's default: VNI 1; port 0 asks the kernel default, 8472 (not IANA's 4789). */
export const DEFAULT_VNI = 1
export const DEFAULT_VXLAN_PORT = 8472

/** "flannel.1" */
export function vxlanDeviceName(vni: number): string {
  return `flannel.${vni}`
}

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
  const state: DataplaneState = {routes: [], neighs: [], fdb: []}
  const warnings: string[] = []
  for (const lease of input.leases) {
    if (lease.attrs.backendType !== 'vxlan') continue
    const {subnet} = lease
    if (subnet.ip === ownLease.subnet.ip && subnet.prefixLen === ownLease.subnet.prefixLen) continue
    // as flannel: a lease whose BackendData does not decode is skipped, DirectRouting or not
    const data = decodeVxlanBackendData(lease.attrs, describe(lease))
    if (!data.ok) {
      warnings.push(`${data.error.message}; skipped`)
      continue
    }
    const vtepMac = data.value.vtepMac
    const publicIp = parseIp4(lease.attrs.publicIp)
    if (publicIp === undefined) {
      warnings.push(`${describe(lease)}: PublicIP ${JSON.stringify(lease.attrs.publicIp)} is not an IPv4 address; skipped`)
      continue
    }
    if (directRouting && onLink.some((net) => ip4NetContains(net, publicIp))) {
      state.routes.push({kind: 'route', dst: subnet, via: publicIp, dev: externalInterface, onlink: false})
      continue
    }
    state.fdb.push({kind: 'fdb', lladdr: vtepMac, dst: publicIp, dev: device})
    state.neighs.push({kind: 'neigh', ip: subnet.ip, lladdr: vtepMac, dev: device, permanent: true})
    state.routes.push({kind: 'route', dst: subnet, via: subnet.ip, dev: device, onlink: true})
  }
  return {state, warnings}
}

/** The vxlan device flannel creates: `ip link add flannel.1 address <mac> mtu <mtu> type vxlan id 1 local <ip> dev <ext> nolearning dstport 8472`. */
export interface VxlanDeviceSpec {
  name: string
  vni: number
  /** UDP destination port, never 0 */
  port: number
  /** flannel creates it with learning off: the fdb is programmed, never learned */
  learning: false
  /** the VTEP's source address: the external interface's address (flannel's IfaceAddr) */
  localIp: number
  externalInterface: string
  /** used only when the device is created; an existing compatible device keeps its MAC */
  mac: string
  /** <own subnet>.0/32: a source address for host-to-overlay traffic, /32 so no broadcast routes appear */
  address: Ip4Net
  mtu: number
  /** other IPv4 addresses of the device inside this network are removed (a previous lease's) */
  network: Ip4Net
}

export interface VxlanDeviceSpecInput {
  vni: number
  /** the configured Port; 0 means the kernel default 8472 */
  port: number
  /** the external interface's address; differs from the public IP only behind NAT (--public-ip) */
  localIp: number
  externalInterface: string
  externalMtu: number
  /** flannel's Backend.MTU: the underlay MTU to assume instead of the interface's; 0 = not set */
  configuredMtu?: number
  ownSubnet: Ip4Net
  network: Ip4Net
  random: () => number
}

/** A random unicast, locally administered MAC (as flannel's mac.NewHardwareAddr). */
export function randomVtepMac(random: () => number): string {
  const bytes = Array.from({length: 6}, () => Math.floor(random() * 256) & 0xff)
  bytes[0] = (bytes[0] & 0xfe) | 0x02
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}

export function vxlanDeviceSpec(input: VxlanDeviceSpecInput): VxlanDeviceSpec {
  const underlayMtu = input.configuredMtu !== undefined && input.configuredMtu > 0 ? input.configuredMtu : input.externalMtu
  return {
    name: vxlanDeviceName(input.vni),
    vni: input.vni,
    port: input.port > 0 ? input.port : DEFAULT_VXLAN_PORT,
    learning: false,
    localIp: input.localIp,
    externalInterface: input.externalInterface,
    mac: randomVtepMac(input.random),
    address: {ip: input.ownSubnet.ip, prefixLen: 32},
    mtu: underlayMtu - encapOverhead('vxlan'),
    network: input.network,
  }
}

/** For messages: "flannel.1 vni 1 port 8472 local 192.0.2.10 dev eth0 mtu 1450". */
export function formatVxlanDeviceSpec(spec: VxlanDeviceSpec): string {
  return `${spec.name} vni ${spec.vni} port ${spec.port} local ${formatIp4(spec.localIp)} dev ${spec.externalInterface} mtu ${spec.mtu}`
}
