// The kernel operations the backends need, as one port: iproute2 in production
// (iproute2Platform), a fake in the engine tests, so the agent's tests run the real backend
// construction.
import type {Dataplane} from '../core/dataplane-state.js'
import type {Ip4Net} from '../core/types.js'
import {hostGwIproute2Dataplane} from './host-gw/dataplane.js'
import {udpIproute2Dataplane, type UdpDataplaneOptions} from './udp/dataplane.js'
import type {RelayLoopOptions} from './udp/relay/relay-fds.js'
import {startUdpRelay, type UdpRelay} from './udp/relay/relay.js'
import {readTunDevice, udpListeners, type TunDeviceState} from './udp/tun-device.js'
import {vxlanIproute2Dataplane} from './vxlan/dataplane.js'
import {ensureVxlanDevice, readVxlanDevice, type EnsuredVxlanDevice, type VxlanDeviceState} from './vxlan/device.js'
import type {VxlanDeviceSpec} from './vxlan/device-spec.js'

export interface BackendPlatform {
  readVxlanDevice(name: string): Promise<VxlanDeviceState | undefined>
  /** `seen`: the device as readVxlanDevice just gave it (null: there was none), to spare a read */
  ensureVxlanDevice(spec: VxlanDeviceSpec, seen?: VxlanDeviceState | null): Promise<EnsuredVxlanDevice>
  /** vxlan's routes, neighbours and fdb entries on its device */
  vxlanDataplane(options: {device: string; externalInterface: string; network: Ip4Net}): Dataplane
  /** host-gw's routes via the external interface */
  hostGwDataplane(options: {externalInterface: string; network: Ip4Net}): Dataplane
  /** udp's relay in a worker thread: TUN flannel0 and its socket (in `netns`, when given) */
  startUdpRelay(options: RelayLoopOptions): Promise<UdpRelay>
  /** flannel0's attributes and route, and the relay's peer table */
  udpDataplane(options: UdpDataplaneOptions): Dataplane
  /** diagnose: flannel0 read without opening it, and the UDP sockets bound to a port */
  readTunDevice(name: string): Promise<TunDeviceState | undefined>
  udpListeners(port: number): Promise<string[]>
}

export function iproute2Platform(netns?: string): BackendPlatform {
  return {
    readVxlanDevice: (name) => readVxlanDevice(name, {netns}),
    ensureVxlanDevice: (spec, seen) => ensureVxlanDevice(spec, {netns, seen}),
    vxlanDataplane: (options) => vxlanIproute2Dataplane(options, netns),
    hostGwDataplane: (options) => hostGwIproute2Dataplane(options, netns),
    startUdpRelay: (options) => startUdpRelay(netns === undefined ? options : {...options, netnsPath: `/run/netns/${netns}`}),
    udpDataplane: (options) => udpIproute2Dataplane(options, netns),
    readTunDevice: (name) => readTunDevice(name, netns),
    udpListeners: (port) => udpListeners(port, netns),
  }
}
