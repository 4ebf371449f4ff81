// Lease values, byte-compatible with flannel's Go encoding of LeaseAttrs:
//   {"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}}
// Field order is the struct's; PublicIPv6 is a pointer (null when absent); the rest are
// omitempty. Decoding is as tolerant as Go's (keys case-insensitive, unknown keys ignored), so
// values written by flanneld or by hand with etcdctl both read; bad values are error values.
import {formatIp4, parseIp4} from './ip4.js'
import {formatIp6, parseIp6} from './ip6.js'
import {fail, ok, type Result} from './result.js'
import {parseLeaseKey} from './subnet-key.js'
import type {Lease, LeaseAttrs, VxlanBackendData} from './types.js'

/** Go's json.Marshal escapes these even inside strings (HTML safety); they only occur inside strings. */
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function rawJson(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/** The exact bytes flanneld writes for these attributes. */
export function encodeLeaseAttrs(attrs: LeaseAttrs): string {
  let out = `{"PublicIP":${JSON.stringify(attrs.publicIp)},"PublicIPv6":${attrs.publicIpv6 === null ? 'null' : JSON.stringify(attrs.publicIpv6)}`
  if (attrs.backendType !== undefined && attrs.backendType !== '') out += `,"BackendType":${JSON.stringify(attrs.backendType)}`
  const data = rawJson(attrs.backendData)
  if (data !== undefined) out += `,"BackendData":${data}`
  const v6Data = rawJson(attrs.backendV6Data)
  if (v6Data !== undefined) out += `,"BackendV6Data":${v6Data}`
  return goEscape(`${out}}`)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return JSON.stringify(value)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function foldKeys(object: Record<string, unknown>): Map<string, unknown> {
  const fields = new Map<string, unknown>()
  for (const [key, value] of Object.entries(object)) fields.set(key.toLowerCase(), value)
  return fields
}

/** Decodes a lease value; `source` (usually the etcd key) starts every message. Never throws. */
export function decodeLeaseAttrs(text: string, source: string): Result<LeaseAttrs> {
  const bad = (why: string) => fail<LeaseAttrs>('E_BAD_DATA', `${source}: ${why}`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return bad(`lease value is not valid JSON: ${(error as Error).message}`)
  }
  if (!isPlainObject(parsed)) return bad(`lease value must be a JSON object, got ${describe(parsed)}`)
  const fields = foldKeys(parsed)

  if (!fields.has('publicip')) return bad('lease value has no PublicIP')
  const publicIpValue = fields.get('publicip')
  const publicIp = typeof publicIpValue === 'string' ? parseIp4(publicIpValue) : undefined
  if (publicIp === undefined) return bad(`PublicIP: invalid IPv4 address ${describe(publicIpValue)}`)

  let publicIpv6: string | null = null
  const publicIpv6Value = fields.get('publicipv6')
  if (publicIpv6Value !== undefined && publicIpv6Value !== null) {
    const ip6 = typeof publicIpv6Value === 'string' ? parseIp6(publicIpv6Value) : undefined
    if (ip6 === undefined) return bad(`PublicIPv6: invalid IPv6 address ${describe(publicIpv6Value)}`)
    publicIpv6 = formatIp6(ip6)
  }

  const attrs: LeaseAttrs = {publicIp: formatIp4(publicIp), publicIpv6}
  const backendType = fields.get('backendtype')
  if (backendType !== undefined && backendType !== null) {
    if (typeof backendType !== 'string') return bad(`BackendType: expected a string, got ${describe(backendType)}`)
    if (backendType !== '') attrs.backendType = backendType
  }
  const backendData = fields.get('backenddata')
  if (backendData !== undefined && backendData !== null) attrs.backendData = backendData
  const backendV6Data = fields.get('backendv6data')
  if (backendV6Data !== undefined && backendV6Data !== null) attrs.backendV6Data = backendV6Data
  return ok(attrs)
}

export interface RawLease {
  /** the full etcd key */
  key: string
  /** the value as text */
  value: string
  /** the etcd prefix the key was read under */
  prefix: string
  /** the key's etcd lease id (decimal); undefined, "" or "0" for a reservation */
  etcdLeaseId?: string
  ttlSeconds?: number
}

/** A lease from one etcd key/value; a malformed key or value is an error value naming the key. */
export function decodeLease(raw: RawLease): Result<Lease> {
  const key = parseLeaseKey(raw.key, raw.prefix)
  if (!key.ok) return key
  const attrs = decodeLeaseAttrs(raw.value, `lease ${raw.key}`)
  if (!attrs.ok) return attrs
  const reservation = raw.etcdLeaseId === undefined || raw.etcdLeaseId === '' || raw.etcdLeaseId === '0'
  const lease: Lease = {key: raw.key, subnet: key.value.subnet, attrs: attrs.value, reservation}
  if (key.value.ipv6Subnet !== undefined) lease.ipv6Subnet = key.value.ipv6Subnet
  if (!reservation) lease.etcdLeaseId = raw.etcdLeaseId
  if (raw.ttlSeconds !== undefined && !reservation) lease.ttlSeconds = raw.ttlSeconds
  return ok(lease)
}

// Go's ParseMAC spellings for a 6-byte address: colons, dashes (one kind throughout) or dotted quads
const MAC_SEPARATED = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i
const MAC_DOTTED = /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i

/** "0a:58:..", "0A-58-..", "0a58.c000.020b" -> "0a:58:c0:00:02:0b"; undefined when not a 6-byte MAC. */
export function parseMac(text: string): string | undefined {
  const separated = MAC_SEPARATED.exec(text)
  if (separated !== null) return [1, 3, 4, 5, 6, 7].map((i) => separated[i]).join(':').toLowerCase()
  const dotted = MAC_DOTTED.exec(text)
  if (dotted !== null) return dotted.slice(1, 7).join(':').toLowerCase()
  return undefined
}

/** vxlan's BackendData ({"VNI":1,"VtepMAC":"..."}) with reasons when it is not usable. */
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
  return ok({vni, vtepMac})
}

/** The vxlan data of a lease, or undefined when it is not a usable vxlan lease. */
export function vxlanBackendData(attrs: LeaseAttrs): VxlanBackendData | undefined {
  const decoded = decodeVxlanBackendData(attrs, 'lease')
  return decoded.ok ? decoded.value : undefined
}

/** The attributes each backend publishes, exactly as flanneld fills them in. */
export function vxlanLeaseAttrs(publicIp: string, data: VxlanBackendData): LeaseAttrs {
  return {publicIp, publicIpv6: null, backendType: 'vxlan', backendData: {VNI: data.vni, VtepMAC: data.vtepMac}}
}

export function hostGwLeaseAttrs(publicIp: string): LeaseAttrs {
  return {publicIp, publicIpv6: null, backendType: 'host-gw'}
}

/** udp writes no BackendType at all. */
export function udpLeaseAttrs(publicIp: string): LeaseAttrs {
  return {publicIp, publicIpv6: null}
}
