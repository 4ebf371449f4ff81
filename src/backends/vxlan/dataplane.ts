// vxlan's kernel port over iproute2: fdb entries, neighbours and routes on its device, and
// DirectRouting's routes on the external interface. Entries on other devices are not flanctl's.
import type {Dataplane} from '../../core/dataplane-state.js'
import type {Ip4Net} from '../../core/types.js'
import {createIproute2Dataplane} from '../iproute2-dataplane.js'
import {iproute2Routes} from '../route-kind.js'
import {iproute2Fdb} from './fdb-kind.js'
import {iproute2Neighs} from './neigh-kind.js'

export function vxlanIproute2Dataplane(options: {device: string; externalInterface: string; network: Ip4Net}, netns?: string): Dataplane {
  const {device, externalInterface, network} = options
  return createIproute2Dataplane([iproute2Fdb(device), iproute2Neighs(device, network), iproute2Routes({devices: [device, externalInterface], network})], netns)
}
