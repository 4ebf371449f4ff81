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
  // the device as the last ensure left it (what a read returns from then on)
  let current: VxlanDeviceState | undefined = existing
  const ensured: VxlanDeviceSpec[] = []
  const relays = fakeRelays()
  const dataplane: Dataplane = options.dataplane ?? {kinds: ROUTING_KINDS, observe: async () => [], apply: async () => {}}
  return {
    ensured,
    relays,
    platform: {
      readVxlanDevice: async () => current,
      ensureVxlanDevice: async (spec) => {
        ensured.push(spec)
        options.onEnsure?.(spec)
        const before = current
        const mac = before !== undefined && vxlanIncompatibility(before, spec) === undefined ? before.mac : spec.mac
        current = {name: spec.name, index: 9, kind: 'vxlan', mac, mtu: spec.mtu, up: true, vni: spec.vni, port: spec.port, localIp: spec.localIp, externalInterface: spec.externalInterface, learning: false, addresses: [spec.address]}
        return {name: spec.name, index: 9, mac, mtu: spec.mtu, created: before === undefined}
      },
      vxlanDataplane: () => dataplane,
      hostGwDataplane: () => dataplane,
      startUdpRelay: () => relays.start(),
      udpDataplane: () => dataplane,
      readTunDevice: async () => undefined,
      udpListeners: async () => [],
    },
  }
}
