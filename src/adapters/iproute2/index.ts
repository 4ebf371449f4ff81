// The iproute2 data plane: observe what flanctl owns, apply ops in batches, set up the vxlan
// device, read interfaces. Everything takes an optional netns (tests, lab); the agent runs
// inside its namespace and passes none.
import type {Dataplane, DataplaneState, Op} from '../../core/dataplane-state.js'
import {applyOps} from './apply.js'
import {observeDataplane, type ObserveOptions} from './observe.js'

export {applyOps, batchLines, type ApplyOptions} from './apply.js'
export {observeDataplane, type ObserveOptions} from './observe.js'
export {
  ensureVxlanDevice,
  readVxlanDevice,
  vxlanIncompatibility,
  type DeviceOptions,
  type EnsuredVxlanDevice,
  type VxlanDeviceState,
} from './vxlan-device.js'
export {
  defaultRouteInterface,
  findExternalInterface,
  listInterfaces,
  readInterface,
  type FindExternalInterfaceOptions,
  type InterfaceOptions,
} from './interfaces.js'

/** The Dataplane port over iproute2, for one backend's device, external interface and network. */
export function createIproute2Dataplane(options: ObserveOptions): Dataplane {
  return {
    observe: (): Promise<DataplaneState> => observeDataplane(options),
    apply: (ops: readonly Op[]): Promise<void> => applyOps(ops, {netns: options.netns}),
  }
}
