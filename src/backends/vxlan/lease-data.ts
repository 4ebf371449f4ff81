// vxlan's part of a lease value: BackendData {"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}, decoded as
// tolerantly as Go does (keys case-insensitive), with a reason when it is not usable.
import {describeJson as describe, foldKeys, isPlainObject} from '../../core/go-json.js'
import {parseMac} from '../../core/mac.js'
import {fail, ok, type Result} from '../../core/result.js'
import type {LeaseAttrs} from '../../core/types.js'

export interface VxlanBackendData {
  vni: number
  vtepMac: string
}

export function decodeVxlanBackendData(attrs: LeaseAttrs, source: string): Result<VxlanBackendData> {
  const bad = (why: string) => fail<VxlanBackendData>('E_BAD_DATA', `${source}: ${why}`)
  if (attrs.backendType !== 'vxlan') return bad(`BackendType is ${attrs.backendType === undefined ? 'absent' : JSON.stringify(attrs.backendType)}, not "vxlan"`)
  if (!isPlainObject(attrs.backendData)) return bad(`BackendData: expected an object with VNI and VtepMAC, got ${attrs.backendData === undefined ? 'nothing' : describe(attrs.backendData)}`)
  const fields = foldKeys(attrs.backendData)
  const vniValue = fields.get('vni')
  let vni = 0
  if (vniValue !== undefined && vniValue !== null) {
    // flannel's vxlanLeaseAttrs.VNI is a uint16
    if (typeof vniValue !== 'number' || !Number.isInteger(vniValue) || vniValue < 0 || vniValue > 0xffff) {
      return bad(`BackendData.VNI: expected a whole number 0..65535, got ${describe(vniValue)}`)
    }
    vni = vniValue
  }
  const macValue = fields.get('vtepmac')
  const vtepMac = typeof macValue === 'string' ? parseMac(macValue) : undefined
  if (vtepMac === undefined) return bad(`BackendData.VtepMAC: invalid MAC address ${macValue === undefined ? '(missing)' : describe(macValue)}`)
  const problem = vtepMacProblem(vtepMac)
  if (problem !== undefined) return bad(`BackendData.VtepMAC: ${vtepMac} ${problem}`)
  return ok({vni, vtepMac})
}

/** Why a MAC cannot be a VTEP's (a neighbour's lladdr, an fdb entry's key); undefined when it can. */
export function vtepMacProblem(mac: string): string | undefined {
  if (mac === '00:00:00:00:00:00') return 'is all zeros'
  if (mac === 'ff:ff:ff:ff:ff:ff') return 'is the broadcast address'
  if ((Number.parseInt(mac.slice(0, 2), 16) & 1) === 1) return 'is a multicast address'
  return undefined
}

/** The vxlan data of a lease, or undefined when it is not a usable vxlan lease. */
export function vxlanBackendData(attrs: LeaseAttrs): VxlanBackendData | undefined {
  const decoded = decodeVxlanBackendData(attrs, 'lease')
  return decoded.ok ? decoded.value : undefined
}

/** The value flanneld's vxlan backend publishes. */
export function vxlanLeaseAttrs(publicIp: string, data: VxlanBackendData): LeaseAttrs {
  return {publicIp, publicIpv6: null, backendType: 'vxlan', backendData: {VNI: data.vni, VtepMAC: data.vtepMac}}
}
