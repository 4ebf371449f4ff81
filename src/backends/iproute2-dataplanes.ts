// Each routing backend's kernel port over iproute2: which kinds of entry it programs, observed
// where. Only the devices named here are looked at: entries on other devices are not flanctl's.
import type {Dataplane} from '../core/dataplane-state.js'
import type {Ip4Net} from '../core/types.js'
import {createIproute2Dataplane} from './iproute2-dataplane.js'
import {iproute2Routes} from './route-kind.js'
import {iproute2Fdb} from './vxlan/fdb-kind.js'
import {iproute2Neighs} from './vxlan/neigh-kind.js'

/** vxlan: fdb, neighbours and routes on its device; DirectRouting's routes on the external interface. */
export function vxlanIproute2Dataplane(options: {device: string; externalInterface: string; network: Ip4Net}, netns?: string): Dataplane {
  const {device, externalInterface, network} = options
  return createIproute2Dataplane([iproute2Fdb(device), iproute2Neighs(device, network), iproute2Routes({devices: [device, externalInterface], network})], netns)
}

export function hostGwIproute2Dataplane(options: {externalInterface: string; network: Ip4Net}, netns?: string): Dataplane {
  return createIproute2Dataplane([iproute2Routes({devices: [options.externalInterface], network: options.network})], netns)
}
