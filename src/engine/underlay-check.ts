// The underlay's MTU, checked by the routes' light pass: flanctl does not follow a change (the
// device MTU and FLANNEL_MTU are set at start, and docker reads FLANNEL_MTU only when it starts),
// so it says precisely what changed and what to restart, once per change, and is degraded
// meanwhile. The external interface gone is said the same way.
import type {Logger} from '../adapters/log/logger.js'
import type {ExternalInterface, InterfaceInfo} from '../core/external-interface.js'
import type {HealthState} from './health-state.js'

export const UNDERLAY_CHANGED = 'underlay-changed'

export interface UnderlayCheckInput {
  external: Pick<ExternalInterface, 'name' | 'mtu'>
  /** the MTU the backend runs with (FLANNEL_MTU) */
  overlayMtu: number
  /** false when the config's Backend.MTU fixes the underlay MTU flanctl assumes */
  followsInterface: boolean
  listInterfaces: () => Promise<InterfaceInfo[]>
  log: Logger
  health: HealthState
}

/** One check; call it from the light pass. */
export function createUnderlayCheck(input: UnderlayCheckInput): () => Promise<void> {
  const {external, log, health} = input
  let said: string | undefined
  return async () => {
    const iface = (await input.listInterfaces()).find((i) => i.name === external.name)
    let problem: string | undefined
    if (iface === undefined) problem = `the external interface ${external.name} is gone: traffic to the peers cannot leave; restart flanctl up once it is back (or with --iface naming its replacement)`
    else if (input.followsInterface && iface.mtu !== external.mtu) {
      problem =
        `the MTU of ${external.name} changed from ${external.mtu} to ${iface.mtu}: flanctl keeps the overlay MTU ${input.overlayMtu} (the device and FLANNEL_MTU in subnet.env); ` +
        'restart flanctl up to follow it, then restart docker so that it reads the new FLANNEL_MTU (flanctl docker-opts)'
    }
    if (problem === undefined) {
      if (said !== undefined) log.info('underlay back as flanctl started with it', {iface: external.name})
      said = undefined
      health.clear(UNDERLAY_CHANGED)
      return
    }
    if (said !== problem) log.warn('underlay changed', {iface: external.name, detail: problem})
    said = problem
    health.set(UNDERLAY_CHANGED, problem)
  }
}
