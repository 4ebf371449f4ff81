// Lease values, byte-compatible with flannel's Go encoding of LeaseAttrs:
//   {"PublicIP":"192.0.2.11","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0b"}}
// Field order is the struct's; PublicIPv6 is a pointer (null when absent); the rest are
// omitempty. Decoding is as tolerant as Go's (keys case-insensitive, unknown keys ignored), so
// values written by flanneld or by hand with etcdctl both read; bad values are error values.
import {parseIp4} from './ip4.js'
import {formatIp6, parseIp6} from './ip6.js'
import {fail, ok, type Result} from './result.js'
import {parseLeaseKey} from './subnet-key.js'
import {describeJson as describe, isPlainObject} from './go-json.js'
import {UNNAMED_BACKEND, type Lease, type LeaseAttrs} from './types.js'

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
  // Go's json matches field names case-insensitively, the last match winning; read in one pass
  // (no map per lease: thousands are decoded at start)
  let hasPublicIp = false
  let publicIpValue: unknown
  let publicIpv6Value: unknown
  let backendType: unknown
  let backendData: unknown
  let backendV6Data: unknown
  for (const name in parsed) {
    const value = parsed[name]
    switch (name.toLowerCase()) {
      case 'publicip': hasPublicIp = true; publicIpValue = value; break
      case 'publicipv6': publicIpv6Value = value; break
      case 'backendtype': backendType = value; break
      case 'backenddata': backendData = value; break
      case 'backendv6data': backendV6Data = value; break
    }
  }

  if (!hasPublicIp) return bad('lease value has no PublicIP')
  const publicIp = typeof publicIpValue === 'string' ? parseIp4(publicIpValue) : undefined
  if (publicIp === undefined) return bad(`PublicIP: invalid IPv4 address ${describe(publicIpValue)}`)

  let publicIpv6: string | null = null
  if (publicIpv6Value !== undefined && publicIpv6Value !== null) {
    const ip6 = typeof publicIpv6Value === 'string' ? parseIp6(publicIpv6Value) : undefined
    if (ip6 === undefined) return bad(`PublicIPv6: invalid IPv6 address ${describe(publicIpv6Value)}`)
    publicIpv6 = formatIp6(ip6)
  }

  // parseIp4 takes only the canonical spelling, so the text is what formatIp4 would give
  const attrs: LeaseAttrs = {publicIp: publicIpValue as string, publicIpv6}
  if (backendType !== undefined && backendType !== null) {
    if (typeof backendType !== 'string') return bad(`BackendType: expected a string, got ${describe(backendType)}`)
    if (backendType !== '') attrs.backendType = backendType
  }
  if (backendData !== undefined && backendData !== null) attrs.backendData = backendData
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

/** The backend a lease belongs to: its BackendType, or udp's when it has none. */
export function leaseBackendType(attrs: LeaseAttrs): string {
  return attrs.backendType ?? UNNAMED_BACKEND
}
