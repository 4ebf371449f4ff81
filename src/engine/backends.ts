// The agent's two backends over iproute2. vxlan: the VtepMAC must be in the lease before the
// device gets its <subnet>.0/32 address, so the MAC is settled first (an existing compatible
// flannel.<VNI> keeps its MAC across restarts, so peers' fdb entries stay valid; otherwise a new
// random one), and the device is created or fixed once the lease is known. host-gw: no device;
// refuses to start behind NAT, as flannel does.
import {hostGwDesired, hostGwPreflight} from '../core/backend-host-gw.js'
import {DEFAULT_VNI, vxlanDesired, vxlanDeviceSpec} from '../core/backend-vxlan.js'
import type {Dataplane} from '../core/dataplane-state.js'
import {FlanctlError} from '../core/errors.js'
import {formatIp4} from '../core/ip4.js'
import {hostGwLeaseAttrs, vxlanLeaseAttrs} from '../core/lease-codec.js'
import type {VxlanDeviceSpec} from '../core/backend-vxlan.js'
import type {LogFields} from '../adapters/log/logger.js'
import type {EnsuredVxlanDevice, ObserveOptions, VxlanDeviceState} from '../adapters/iproute2/index.js'
import type {AgentBackend, BackendInput} from './agent.js'

/** The kernel operations the backends need; the iproute2 adapter in production. */
export interface BackendPlatform {
  readVxlanDevice(name: string): Promise<VxlanDeviceState | undefined>
  vxlanIncompatibility(existing: VxlanDeviceState, spec: VxlanDeviceSpec): string | undefined
  ensureVxlanDevice(spec: VxlanDeviceSpec): Promise<EnsuredVxlanDevice>
  dataplane(options: ObserveOptions): Dataplane
}

export async function iproute2Platform(): Promise<BackendPlatform> {
  const ip = await import('../adapters/iproute2/index.js')
  return {
    readVxlanDevice: (name) => ip.readVxlanDevice(name),
    vxlanIncompatibility: ip.vxlanIncompatibility,
    ensureVxlanDevice: (spec) => ip.ensureVxlanDevice(spec),
    dataplane: (options) => ip.createIproute2Dataplane(options),
  }
}

export async function createBackend(input: BackendInput, platform: BackendPlatform): Promise<AgentBackend> {
  const {config, external} = input
  const network = config.network
  if (network === undefined) throw new FlanctlError('E_INVALID_CONFIG', 'the network config has no IPv4 Network')
  const publicIp = formatIp4(external.publicIp)

  if (config.backend.type === 'host-gw') {
    const preflight = hostGwPreflight({name: external.name, ifaceAddr: external.ifaceAddr, publicIp: external.publicIp})
    if (!preflight.ok) {
      throw new FlanctlError(preflight.error.code, preflight.error.message, {hint: 'host-gw needs the hosts on one L2 segment without NAT: drop --public-ip, or use the vxlan backend.'})
    }
    return {
      type: 'host-gw',
      mtu: external.mtu,
      leaseAttrs: hostGwLeaseAttrs(publicIp),
      details: {iface: external.name},
      activate: async () => {},
      desired: (ownLease, peers) => hostGwDesired({ownLease, leases: peers, externalInterface: external.name}),
      dataplane: platform.dataplane({externalInterface: external.name, network}),
    }
  }

  if (config.backend.type !== 'vxlan') {
    throw new FlanctlError('E_INVALID_CONFIG', `backend ${config.backend.type} is not supported by flanctl up (supported: vxlan, host-gw)`)
  }
  const vni = config.backend.vni > 0 ? config.backend.vni : DEFAULT_VNI
  // the address is a placeholder until the lease is known; everything else is final
  const planned = vxlanDeviceSpec({
    vni,
    port: config.backend.port,
    localIp: external.ifaceAddr,
    externalInterface: external.name,
    externalMtu: external.mtu,
    configuredMtu: config.backend.mtu,
    ownSubnet: {ip: 0, prefixLen: 32},
    network,
    random: input.random,
  })
  const existing = await platform.readVxlanDevice(planned.name)
  const keep = existing !== undefined && platform.vxlanIncompatibility(existing, planned) === undefined
  const vtepMac = keep ? existing.mac : planned.mac
  const details: LogFields = {device: planned.name, vni, port: planned.port, vtepMac, local: formatIp4(planned.localIp), directRouting: config.backend.directRouting}
  return {
    type: 'vxlan',
    mtu: planned.mtu,
    leaseAttrs: vxlanLeaseAttrs(publicIp, {vni, vtepMac}),
    details,
    async activate(ownLease) {
      const spec: VxlanDeviceSpec = {...planned, mac: vtepMac, address: {ip: ownLease.subnet.ip, prefixLen: 32}}
      const device = await platform.ensureVxlanDevice(spec)
      if (device.mac !== vtepMac) {
        // only if something else changed the device between our two looks at it
        throw new FlanctlError('E_SYSTEM', `vxlan device ${device.name} has MAC ${device.mac}, but the lease says VtepMAC ${vtepMac}`, {hint: 'Another process changed the device while flanctl started; start flanctl up again.'})
      }
      details.device = device.created ? `${device.name} (created)` : `${device.name} (kept)`
      if (device.recreatedBecause !== undefined) details.recreatedBecause = device.recreatedBecause
    },
    desired: (ownLease, peers) =>
      vxlanDesired({
        ownLease,
        leases: peers,
        device: planned.name,
        directRouting: config.backend.directRouting,
        externalInterface: external.name,
        localSubnetsOnLink: external.onLinkSubnets,
      }),
    dataplane: platform.dataplane({device: planned.name, externalInterface: external.name, network}),
  }
}
