// A lease as commands show it: the JSON shape (stable, camelCase, null for absent) and the
// table rows of `subnets ls`, one per lease, with `-o wide` adding the less used columns.
import {formatIp4Net} from '../core/ip4.js'
import {formatIp6Net} from '../core/ip6.js'
import {vxlanBackendData} from '../backends/vxlan/lease-data.js'
import {encodeLeaseAttrs} from '../core/lease-codec.js'
import {UNNAMED_BACKEND, type Lease} from '../core/types.js'
import {formatTimeLeft} from './format-time-left.js'
import type {Painter} from './painter.js'
import {renderFields, renderTable} from './render-table.js'

export interface LeaseView {
  key: string
  subnet: string
  ipv6Subnet: string | null
  publicIp: string
  publicIpv6: string | null
  /** as written in etcd; null when the value has no BackendType (flannel's udp) */
  backendType: string | null
  vtepMac: string | null
  vni: number | null
  reservation: boolean
  /** seconds left on the etcd lease; null for a reservation or when not asked */
  ttlSeconds: number | null
  etcdLeaseId: string | null
}

export function leaseView(lease: Lease): LeaseView {
  const vxlan = vxlanBackendData(lease.attrs)
  return {
    key: lease.key,
    subnet: formatIp4Net(lease.subnet),
    ipv6Subnet: lease.ipv6Subnet === undefined ? null : formatIp6Net(lease.ipv6Subnet),
    publicIp: lease.attrs.publicIp,
    publicIpv6: lease.attrs.publicIpv6 ?? null,
    backendType: lease.attrs.backendType ?? null,
    vtepMac: vxlan?.vtepMac ?? null,
    vni: vxlan?.vni ?? null,
    reservation: lease.reservation,
    ttlSeconds: lease.ttlSeconds ?? null,
    etcdLeaseId: lease.etcdLeaseId ?? null,
  }
}

/** "reservation", the time left, or "-" when unknown. */
export function expiresText(view: LeaseView, paint: Painter): string {
  if (view.reservation) return paint.cyan('reservation')
  if (view.ttlSeconds === null) return '-'
  return view.ttlSeconds < 3600 ? paint.yellow(formatTimeLeft(view.ttlSeconds)) : formatTimeLeft(view.ttlSeconds)
}


export function renderLeaseTable(views: LeaseView[], paint: Painter, wide = false): string {
  const dash = (v: string | number | null): string => (v === null ? paint.dim('-') : String(v))
  if (!wide) {
    return renderTable(
      ['SUBNET', 'PUBLIC IP', 'BACKEND', 'VTEP MAC', 'EXPIRES'],
      views.map((v) => [v.subnet, v.publicIp, v.backendType ?? UNNAMED_BACKEND, dash(v.vtepMac), expiresText(v, paint)]),
      paint,
    )
  }
  return renderTable(
    ['SUBNET', 'PUBLIC IP', 'BACKEND', 'VNI', 'VTEP MAC', 'EXPIRES', 'IPV6 SUBNET', 'PUBLIC IPV6', 'ETCD LEASE', 'KEY'],
    views.map((v) => [
      v.subnet, v.publicIp, v.backendType ?? UNNAMED_BACKEND, dash(v.vni), dash(v.vtepMac), expiresText(v, paint),
      dash(v.ipv6Subnet), dash(v.publicIpv6), dash(hexLeaseId(v.etcdLeaseId)), v.key,
    ]),
    paint,
  )
}

/** etcdctl prints lease ids as 16 hex digits; show them the same way so they can be pasted. */
function hexLeaseId(id: string | null): string | null {
  if (id === null) return null
  return /^\d+$/.test(id) ? BigInt(id).toString(16).padStart(16, '0') : id
}

export interface LeaseDetailView extends LeaseView {
  /** the value in etcd, in flannel's exact bytes */
  value: string
}

export function leaseDetailView(lease: Lease): LeaseDetailView {
  return {...leaseView(lease), value: encodeLeaseAttrs(lease.attrs)}
}

export function renderLeaseDetail(view: LeaseDetailView, paint: Painter): string {
  const fields: Array<[string, string]> = [
    ['Subnet', view.subnet],
    ['Key', view.key],
    ['Public IP', view.publicIp],
    ['Backend', view.backendType ?? UNNAMED_BACKEND],
  ]
  if (view.vni !== null) fields.push(['VNI', String(view.vni)])
  if (view.vtepMac !== null) fields.push(['VtepMAC', view.vtepMac])
  if (view.ipv6Subnet !== null) fields.push(['IPv6 subnet', view.ipv6Subnet])
  if (view.publicIpv6 !== null) fields.push(['Public IPv6', view.publicIpv6])
  fields.push(['Expires', view.reservation ? `${expiresText(view, paint)} (no etcd lease: never expires)` : view.ttlSeconds === null ? '-' : `in ${expiresText(view, paint)}`])
  if (view.etcdLeaseId !== null) fields.push(['etcd lease', hexLeaseId(view.etcdLeaseId) ?? '-'])
  fields.push(['Value', view.value])
  return renderFields(fields, paint)
}
