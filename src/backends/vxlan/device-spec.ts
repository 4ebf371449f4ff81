// The vxlan device flannel creates, as a spec: name, VNI, port, local address, MAC, MTU.
import {formatIp4} from '../../core/ip4.js'
import {randomMac} from '../../core/mac.js'
import type {Ip4Net} from '../../core/types.js'
import {DEFAULT_VXLAN_PORT, VXLAN_OVERHEAD, vxlanDeviceName} from './constants.js'

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

export function vxlanDeviceSpec(input: VxlanDeviceSpecInput): VxlanDeviceSpec {
  const underlayMtu = input.configuredMtu !== undefined && input.configuredMtu > 0 ? input.configuredMtu : input.externalMtu
  return {
    name: vxlanDeviceName(input.vni),
    vni: input.vni,
    port: input.port > 0 ? input.port : DEFAULT_VXLAN_PORT,
    learning: false,
    localIp: input.localIp,
    externalInterface: input.externalInterface,
    mac: randomMac(input.random),
    address: {ip: input.ownSubnet.ip, prefixLen: 32},
    mtu: underlayMtu - VXLAN_OVERHEAD,
    network: input.network,
  }
}

/** For messages: "flannel.1 vni 1 port 8472 local 192.0.2.10 dev eth0 mtu 1450". */
export function formatVxlanDeviceSpec(spec: VxlanDeviceSpec): string {
  return `${spec.name} vni ${spec.vni} port ${spec.port} local ${formatIp4(spec.localIp)} dev ${spec.externalInterface} mtu ${spec.mtu}`
}
