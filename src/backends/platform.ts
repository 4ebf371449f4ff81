// The kernel operations the backends need, as one port: iproute2 in production
// (iproute2Platform), a fake in the engine tests, so the agent's tests run the real backend
// construction.
import type {Dataplane} from '../core/dataplane-state.js'
import type {Ip4Net} from '../core/types.js'
import type {EnsuredVxlanDevice, VxlanDeviceState} from './vxlan/device.js'
import type {VxlanDeviceSpec} from './vxlan/device-spec.js'

export interface BackendPlatform {
  readVxlanDevice(name: string): Promise<VxlanDeviceState | undefined>
  /** `seen`: the device as readVxlanDevice just gave it (null: there was none), to spare a read */
  ensureVxlanDevice(spec: VxlanDeviceSpec, seen?: VxlanDeviceState | null): Promise<EnsuredVxlanDevice>
  /** vxlan's routes, neighbours and fdb entries on its device */
  vxlanDataplane(options: {device: string; externalInterface: string; network: Ip4Net}): Dataplane
  /** host-gw's routes via the external interface */
  hostGwDataplane(options: {externalInterface: string; network: Ip4Net}): Dataplane
}

export async function iproute2Platform(netns?: string): Promise<BackendPlatform> {
  const [device, dataplanes] = await Promise.all([import('./vxlan/device.js'), import('./iproute2-dataplanes.js')])
  return {
    readVxlanDevice: (name) => device.readVxlanDevice(name, {netns}),
    ensureVxlanDevice: (spec, seen) => device.ensureVxlanDevice(spec, {netns, seen}),
    vxlanDataplane: (options) => dataplanes.vxlanIproute2Dataplane(options, netns),
    hostGwDataplane: (options) => dataplanes.hostGwIproute2Dataplane(options, netns),
  }
}
