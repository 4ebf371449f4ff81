// The backends' kernel port, faked: a vxlan device that may exist already, and one data plane
// (the engine tests' fake kernel, or an empty one) for whichever backend asks.
import type {BackendPlatform} from '../../src/backends/platform.js'
import {vxlanIncompatibility, type VxlanDeviceState} from '../../src/backends/vxlan/device.js'
import type {VxlanDeviceSpec} from '../../src/backends/vxlan/device-spec.js'
import type {Dataplane} from '../../src/core/dataplane-state.js'
import {ROUTING_KINDS} from './entries.js'
import {fakeRelays, type FakeRelays} from './fake-relay.js'

export interface FakePlatform {
  platform: BackendPlatform
  /** every spec ensureVxlanDevice was given */
  ensured: VxlanDeviceSpec[]
  /** udp's relays */
  relays: FakeRelays
}

export function fakePlatform(options: {existing?: VxlanDeviceState; dataplane?: Dataplane; onEnsure?: (spec: VxlanDeviceSpec) => void} = {}): FakePlatform {
  const {existing} = options
  const ensured: VxlanDeviceSpec[] = []
  const relays = fakeRelays()
  const dataplane: Dataplane = options.dataplane ?? {kinds: ROUTING_KINDS, observe: async () => [], apply: async () => {}}
  return {
    ensured,
    relays,
    platform: {
      readVxlanDevice: async () => existing,
      ensureVxlanDevice: async (spec) => {
        ensured.push(spec)
        options.onEnsure?.(spec)
        const mac = existing !== undefined && vxlanIncompatibility(existing, spec) === undefined ? existing.mac : spec.mac
        return {name: spec.name, index: 9, mac, mtu: spec.mtu, created: existing === undefined}
      },
      vxlanDataplane: () => dataplane,
      hostGwDataplane: () => dataplane,
      startUdpRelay: () => relays.start(),
      udpDataplane: () => dataplane,
    },
  }
}
