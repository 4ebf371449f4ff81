// What diagnose checks of vxlan: the vxlan kernel module, UDP Port (8472), flannel.<VNI> as the
// lease wants it (VNI, port, local address, MAC = the lease's VtepMAC, MTU, nolearning, up,
// <subnet>.0/32), and pings to each peer's <subnet>.0 (its flannel.<VNI> address).
import {formatIp4, formatIp4Net, ip4NetContains} from '../../core/ip4.js'
import type {BackendDiagnosis} from '../backend-diagnosis.js'
import {DEFAULT_VNI, DEFAULT_VXLAN_PORT, vxlanDeviceName} from './constants.js'
import {vxlanBackendData} from './lease-data.js'

const port = (configured: number): number => (configured > 0 ? configured : DEFAULT_VXLAN_PORT)

export const vxlanDiagnosis: BackendDiagnosis = {
  kernelFeature: {name: 'vxlan', paths: ['/sys/module/vxlan']},
  encapsulation: (backend) => ({port: port(backend.port), what: 'vxlan'}),
  needsL2: false,
  overlayAddress: (lease) => lease.subnet.ip,
  device: {
    expected: ({config, external, ownLease, mtu}) => {
      const vni = config.backend.vni > 0 ? config.backend.vni : DEFAULT_VNI
      const name = vxlanDeviceName(vni)
      return {
        name,
        facts: {
          type: 'vxlan',
          vni,
          port: port(config.backend.port),
          local: formatIp4(external.ifaceAddr),
          dev: external.name,
          mac: vxlanBackendData(ownLease.attrs)?.vtepMac,
          mtu,
          learning: false,
          up: true,
          address: `${formatIp4(ownLease.subnet.ip)}/32`,
        },
        fieldFixes: {mtu: `ip link set ${name} mtu ${mtu}`, up: `ip link set ${name} up`, address: `ip addr replace ${formatIp4(ownLease.subnet.ip)}/32 dev ${name}`},
      }
    },
    read: async (name, platform, {network, ownSubnet}) => {
      const d = await platform.readVxlanDevice(name)
      if (d === undefined) return undefined
      const inNetwork = d.addresses.filter((a) => ip4NetContains(network, a.ip))
      const ours = inNetwork.find((a) => a.ip === ownSubnet.ip && a.prefixLen === 32)
      return {
        type: d.kind,
        vni: d.vni,
        port: d.port,
        local: d.localIp === undefined ? undefined : formatIp4(d.localIp),
        dev: d.externalInterface,
        mac: d.mac,
        mtu: d.mtu,
        learning: d.learning ?? false,
        up: d.up,
        address: ours !== undefined ? `${formatIp4(ours.ip)}/32` : inNetwork.map((a) => formatIp4Net(a)).join(',') || 'none',
      }
    },
  },
}
