// host-gw's kernel port over iproute2: its routes via the peers, on the external interface.
import type {Dataplane} from '../../core/dataplane-state.js'
import type {Ip4Net} from '../../core/types.js'
import {createIproute2Dataplane} from '../iproute2-dataplane.js'
import {iproute2Routes} from '../route-kind.js'

export function hostGwIproute2Dataplane(options: {externalInterface: string; network: Ip4Net}, netns?: string): Dataplane {
  return createIproute2Dataplane([iproute2Routes()], netns)
}
