// What flannel's udp backend programs, as desired state: flannel0 with <own subnet>.0/32, the
// MTU and up; the route <Network> dev flannel0; and one relay entry per remote udp lease (its
// subnet to its PublicIP). Leases with a PublicIP that is not IPv4 are skipped with a warning,
// so garbage from etcd never reaches the relay.
import type {DesiredState, KernelEntry} from '../../core/dataplane-state.js'
import {formatIp4Net, ip4NetEqual, parseIp4} from '../../core/ip4.js'
import {leaseBackendType} from '../../core/lease-codec.js'
import type {Ip4Net, Lease} from '../../core/types.js'
import type {DeviceRouteEntry} from './device-route-kind.js'
import type {UdpDeviceEntry} from './device-kind.js'
import type {RelayPeerEntry} from './relay-peer-kind.js'

export interface UdpDesiredInput {
  ownLease: {subnet: Ip4Net}
  leases: readonly Lease[]
  network: Ip4Net
  device: string
  mtu: number
}

export function udpDeviceEntry(input: Pick<UdpDesiredInput, 'ownLease' | 'device' | 'mtu'>): UdpDeviceEntry {
  return {kind: 'udp-device', dev: input.device, address: input.ownLease.subnet.ip, mtu: input.mtu, up: true}
}

export function udpDesired(input: UdpDesiredInput): DesiredState {
  const {ownLease, device} = input
  const route: DeviceRouteEntry = {kind: 'device-route', dst: input.network, dev: device}
  const state: KernelEntry[] = [udpDeviceEntry(input), route]
  const warnings: string[] = []
  for (const lease of input.leases) {
    if (leaseBackendType(lease.attrs) !== 'udp' || ip4NetEqual(lease.subnet, ownLease.subnet)) continue
    const publicIp = parseIp4(lease.attrs.publicIp)
    if (publicIp === undefined) {
      warnings.push(`lease ${formatIp4Net(lease.subnet)} (key ${lease.key}): PublicIP ${JSON.stringify(lease.attrs.publicIp)} is not an IPv4 address; skipped`)
      continue
    }
    const peer: RelayPeerEntry = {kind: 'relay-peer', subnet: lease.subnet, publicIp}
    state.push(peer)
  }
  return {state, warnings}
}
