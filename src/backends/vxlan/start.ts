// vxlan's kernel side. The VtepMAC must be in the lease before the device gets its
// <subnet>.0/32 address, so the MAC is settled first: an existing compatible flannel.<VNI> keeps
// its MAC across restarts (peers' fdb entries stay valid); otherwise a new random one. The device
// is created or fixed once the lease is known (activate).
import {FlanctlError} from '../../core/errors.js'
import {formatIp4} from '../../core/ip4.js'
import type {LogFields} from '../../adapters/log/logger.js'
import type {Lease} from '../../core/types.js'
import type {AgentBackend, BackendStartInput} from '../backend-module.js'
import {DEFAULT_VNI} from './constants.js'
import {vxlanDesired} from './desired.js'
import {vxlanDeviceSpec, type VxlanDeviceSpec} from './device-spec.js'
import {vxlanIncompatibility, type VxlanDeviceState} from './device.js'
import {vxlanLeaseAttrs} from './lease-data.js'

export async function startVxlan(input: BackendStartInput): Promise<AgentBackend> {
  const {config, external, platform} = input
  const network = config.network
  if (network === undefined) throw new FlanctlError('E_INVALID_CONFIG', 'the network config has no IPv4 Network')
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
  let firstLook: VxlanDeviceState | null | undefined = existing ?? null
  const keep = existing !== undefined && vxlanIncompatibility(existing, planned) === undefined
  const vtepMac = keep ? existing.mac : planned.mac
  const ensure = async (ownLease: Lease, seen: VxlanDeviceState | null | undefined) => {
    const spec: VxlanDeviceSpec = {...planned, mac: vtepMac, address: {ip: ownLease.subnet.ip, prefixLen: 32}}
    const device = await platform.ensureVxlanDevice(spec, seen)
    if (device.mac !== vtepMac) {
      // only if something else changed the device between our looks at it
      throw new FlanctlError('E_SYSTEM', `vxlan device ${device.name} has MAC ${device.mac}, but the lease says VtepMAC ${vtepMac}`, {
        hint: `Another process changed the device; delete it (ip link del ${device.name}) and flanctl makes it again, or restart flanctl up.`,
      })
    }
    return device
  }
  const details: LogFields = {device: planned.name, vni, port: planned.port, vtepMac, local: formatIp4(planned.localIp), directRouting: config.backend.directRouting}
  return {
    type: 'vxlan',
    mtu: planned.mtu,
    leaseAttrs: vxlanLeaseAttrs(formatIp4(external.publicIp), {vni, vtepMac}),
    details,
    async activate(ownLease) {
      // the first activation uses the look at the device taken to choose the VtepMAC; later ones read it afresh
      const device = await ensure(ownLease, firstLook)
      firstLook = undefined
      details.device = device.created ? `${device.name} (created)` : `${device.name} (kept)`
      if (device.recreatedBecause !== undefined) details.recreatedBecause = device.recreatedBecause
    },
    async repair(ownLease) {
      const seen = await platform.readVxlanDevice(planned.name)
      const device = await ensure(ownLease, seen ?? null)
      if (seen === undefined) return [`${planned.name} was missing: created again with VtepMAC ${vtepMac}`]
      if (device.recreatedBecause !== undefined) return [`${planned.name} was changed (${device.recreatedBecause}): created again`]
      const fixed: string[] = []
      if (!seen.up) fixed.push(`${planned.name} was down: set up`)
      if (seen.mtu !== device.mtu) fixed.push(`${planned.name} had MTU ${seen.mtu}: set to ${device.mtu}`)
      if (!seen.addresses.some((a) => a.ip === ownLease.subnet.ip && a.prefixLen === 32)) fixed.push(`${planned.name} lacked its address ${formatIp4(ownLease.subnet.ip)}/32: added`)
      return fixed
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
    dataplane: platform.vxlanDataplane({device: planned.name, externalInterface: external.name, network}),
  }
}
