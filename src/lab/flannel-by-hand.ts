// What flanneld writes and programs, spelled out as text (lease JSON, ip/bridge batch lines,
// iptables-restore payload, subnet.env). Used for hosts programmed by hand (the interop host,
// the benchmark's reference topology) and as the e2e tier's expected values.
import {randomBytes} from 'node:crypto'
import {formatCidr, numberToIp4, type Cidr} from './ip4-text.js'
import type {LabBackend} from './topology.js'

const VXLAN_VNI = 1
const VXLAN_PORT = 8472
const VXLAN_DEVICE = `flannel.${VXLAN_VNI}`

export interface PeerLease {
  key: string
  subnet: Cidr
  publicIp: string
  backendType?: string
  vtepMac?: string
}

/** flannel's lease value, byte for byte (field order, PublicIPv6 null, host-gw without BackendData, udp without BackendType). */
export function leaseValue(publicIp: string, backend: LabBackend, vtepMac?: string): string {
  const attrs: Record<string, unknown> = {PublicIP: publicIp, PublicIPv6: null}
  if (backend !== 'udp') attrs.BackendType = backend
  if (backend === 'vxlan') attrs.BackendData = {VNI: VXLAN_VNI, VtepMAC: vtepMac}
  return JSON.stringify(attrs)
}

/** A random unicast, locally administered MAC, as flannel gives its vxlan device. */
export function randomVtepMac(): string {
  const bytes = randomBytes(6)
  bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':')
}

/** Overlay MTU flannel derives from the underlay's: vxlan -50, udp -28, host-gw -0. */
export function overlayMtu(backend: LabBackend, underlayMtu: number): number {
  return backend === 'vxlan' ? underlayMtu - 50 : backend === 'udp' ? underlayMtu - 28 : underlayMtu
}

/** The first subnet of `subnetLen` in `network`, from the second one up (flannel's SubnetMin), overlapping none in use. */
export function firstFreeSubnet(network: Cidr, subnetLen: number, used: readonly Cidr[]): Cidr | undefined {
  const size = 2 ** (32 - subnetLen)
  const count = 2 ** (subnetLen - network.prefixLen)
  for (let i = 1; i < count; i++) {
    const ip = network.ip + i * size
    const clash = used.some((u) => {
      const uSize = 2 ** (32 - u.prefixLen)
      return ip < u.ip + uSize && u.ip < ip + size
    })
    if (!clash) return {ip, prefixLen: subnetLen}
  }
  return undefined
}

/** `ip -batch` lines creating the vxlan device as flanneld does. */
export function vxlanDeviceLines(publicIp: string, iface: string, vtepMac: string, mtu: number, subnet: Cidr): string[] {
  return [
    `link add ${VXLAN_DEVICE} type vxlan id ${VXLAN_VNI} local ${publicIp} dev ${iface} dstport ${VXLAN_PORT} nolearning`,
    `link set ${VXLAN_DEVICE} address ${vtepMac} mtu ${mtu}`,
    `addr add ${numberToIp4(subnet.ip)}/32 dev ${VXLAN_DEVICE}`,
    `link set ${VXLAN_DEVICE} up`,
  ]
}

interface PeerEntries {
  /** for `ip -batch` */
  ip: string[]
  /** for `bridge -batch` */
  bridge: string[]
}

/** The kernel entries flanneld makes for each remote lease of our backend type. */
export function peerEntries(backend: LabBackend, peers: readonly PeerLease[], iface: string): PeerEntries {
  const ip: string[] = []
  const bridge: string[] = []
  for (const peer of peers) {
    if (peer.backendType !== backend) continue
    const subnet = formatCidr(peer.subnet)
    if (backend === 'host-gw') {
      ip.push(`route replace ${subnet} via ${peer.publicIp} dev ${iface}`)
      continue
    }
    if (peer.vtepMac === undefined) continue
    const gateway = numberToIp4(peer.subnet.ip)
    ip.push(`neigh replace ${gateway} lladdr ${peer.vtepMac} dev ${VXLAN_DEVICE} nud permanent`)
    bridge.push(`fdb replace ${peer.vtepMac} dev ${VXLAN_DEVICE} dst ${peer.publicIp} self permanent`)
    ip.push(`route replace ${subnet} via ${gateway} dev ${VXLAN_DEVICE} onlink`)
  }
  return {ip, bridge}
}

/** flanneld's masquerade rules (nat) as `iptables-save` prints them. */
export function masqRuleLines(network: Cidr, subnet: Cidr): string[] {
  const n = formatCidr(network)
  const s = formatCidr(subnet)
  const c = '-m comment --comment "flanneld masq"'
  return [
    `-A POSTROUTING ${c} -j FLANNEL-POSTRTG`,
    `-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 ${c} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${s} -d ${n} ${c} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${n} -d ${s} ${c} -j RETURN`,
    `-A FLANNEL-POSTRTG ! -s ${n} -d ${s} ${c} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${n} ! -d 224.0.0.0/4 ${c} -j MASQUERADE --random-fully`,
    `-A FLANNEL-POSTRTG ! -s ${n} -d ${n} ${c} -j MASQUERADE --random-fully`,
  ]
}

/** flanneld's forward rules (filter) as `iptables-save` prints them. */
export function forwardRuleLines(network: Cidr): string[] {
  const n = formatCidr(network)
  const c = '-m comment --comment "flanneld forward"'
  return [`-A FORWARD ${c} -j FLANNEL-FWD`, `-A FLANNEL-FWD -s ${n} ${c} -j ACCEPT`, `-A FLANNEL-FWD -d ${n} ${c} -j ACCEPT`]
}

/** One `iptables-restore --noflush` payload with both tables. */
export function iptablesRestorePayload(network: Cidr, subnet: Cidr): string {
  return ['*nat', ':FLANNEL-POSTRTG - [0:0]', ...masqRuleLines(network, subnet), 'COMMIT', '*filter', ':FLANNEL-FWD - [0:0]', ...forwardRuleLines(network), 'COMMIT', ''].join('\n')
}

/** subnet.env as flanneld writes it (IPv4 only). */
export function subnetEnvText(network: Cidr, subnet: Cidr, mtu: number, ipMasq: boolean): string {
  return [
    `FLANNEL_NETWORK=${formatCidr(network)}`,
    `FLANNEL_SUBNET=${numberToIp4(subnet.ip + 1)}/${subnet.prefixLen}`,
    `FLANNEL_MTU=${mtu}`,
    `FLANNEL_IPMASQ=${ipMasq}`,
    '',
  ].join('\n')
}
