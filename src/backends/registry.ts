// The one list of backends. Everything that names backends (config validation and warnings,
// `up`'s refusal, CLI options, the lab, lease views) derives it from here. A backend with no
// `start` is understood (config, leases) but not run by `flanctl up`.
import type {BackendModule} from './backend-module.js'
import {hostGwBackend} from './host-gw/index.js'
import {udpBackend} from './udp/index.js'
import {vxlanBackend} from './vxlan/index.js'

const BACKENDS: readonly BackendModule[] = [vxlanBackend, hostGwBackend, udpBackend]

/** Every backend type flanctl understands, in the registry's order. */
export const BACKEND_TYPES: readonly string[] = BACKENDS.map((backend) => backend.type)

/** The backend types `flanctl up` can run. */
export const RUNNABLE_BACKEND_TYPES: readonly string[] = BACKENDS.filter((backend) => backend.start !== undefined).map((backend) => backend.type)

export function findBackend(type: string): BackendModule | undefined {
  return BACKENDS.find((backend) => backend.type === type)
}

/** MTU left for the overlay over an underlay MTU: FLANNEL_MTU. Unknown types: no overhead known. */
export function overlayMtu(type: string, underlayMtu: number): number {
  return underlayMtu - (findBackend(type)?.overhead ?? 0)
}
