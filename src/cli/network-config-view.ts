// The normalised network config as commands show it: camelCase JSON with addresses as text,
// and the human view (the same fields, aligned).
import {DEFAULT_VXLAN_PORT} from '../backends/vxlan/constants.js'
import {formatIp4, formatIp4Net} from '../core/ip4.js'
import {formatIp6, formatIp6Net} from '../core/ip6.js'
import type {ConfigChange} from '../backends/config-change.js'
import type {NetworkConfig} from '../core/types.js'
import {renderLeaseTable, type LeaseView} from './lease-view.js'
import type {Painter} from './painter.js'
import {renderFields} from './render-table.js'

export interface NetworkConfigView {
  network: string | null
  subnetLen: number
  subnetMin: string
  subnetMax: string
  enableIPv4: boolean
  enableIPv6: boolean
  ipv6Network: string | null
  ipv6SubnetLen: number | null
  ipv6SubnetMin: string | null
  ipv6SubnetMax: string | null
  enableNFTables: boolean
  /** port and mtu: null when the config leaves them to the kernel default and the interface's MTU */
  backend: {type: string; vni: number; port: number | null; directRouting: boolean; mtu: number | null}
}

export function networkConfigView(config: NetworkConfig): NetworkConfigView {
  return {
    network: config.network === undefined ? null : formatIp4Net(config.network),
    subnetLen: config.subnetLen,
    subnetMin: formatIp4(config.subnetMin),
    subnetMax: formatIp4(config.subnetMax),
    enableIPv4: config.enableIPv4,
    enableIPv6: config.enableIPv6,
    ipv6Network: config.ipv6Network === undefined ? null : formatIp6Net(config.ipv6Network),
    ipv6SubnetLen: config.ipv6SubnetLen ?? null,
    ipv6SubnetMin: config.ipv6SubnetMin === undefined ? null : formatIp6(config.ipv6SubnetMin),
    ipv6SubnetMax: config.ipv6SubnetMax === undefined ? null : formatIp6(config.ipv6SubnetMax),
    enableNFTables: config.enableNFTables,
    backend: {
      type: config.backend.type,
      vni: config.backend.vni,
      port: config.backend.port === 0 ? null : config.backend.port,
      directRouting: config.backend.directRouting,
      mtu: config.backend.mtu === 0 ? null : config.backend.mtu,
    },
  }
}

export function renderNetworkConfig(view: NetworkConfigView, capacity: number, paint: Painter): string {
  const fields: Array<[string, string]> = []
  if (view.enableIPv4 && view.network !== null) {
    fields.push(['Network', view.network], ['SubnetLen', String(view.subnetLen)], ['SubnetMin', view.subnetMin], ['SubnetMax', view.subnetMax])
  }
  if (view.enableIPv6 && view.ipv6Network !== null) {
    fields.push(['IPv6Network', view.ipv6Network], ['IPv6SubnetLen', String(view.ipv6SubnetLen)])
    if (view.ipv6SubnetMin !== null) fields.push(['IPv6SubnetMin', view.ipv6SubnetMin])
    if (view.ipv6SubnetMax !== null) fields.push(['IPv6SubnetMax', view.ipv6SubnetMax])
  }
  const b = view.backend
  const backend = [b.type]
  if (b.type === 'vxlan') backend.push(`VNI ${b.vni}`, `port ${b.port === null ? `${DEFAULT_VXLAN_PORT} (kernel default)` : b.port}`)
  if (b.type === 'udp') backend.push(`port ${b.port}`)
  if (b.directRouting) backend.push('DirectRouting')
  if (b.mtu !== null) backend.push(`MTU ${b.mtu}`)
  fields.push(['Backend', backend.join(', ')], ['Capacity', `${capacity} subnets`])
  return renderFields(fields, paint)
}

export interface ConfigSetView {
  key: string
  dryRun: boolean
  written: boolean
  /** the exact text written to (or, with --dry-run, meant for) the key */
  value: string
  previousValue: string | null
  config: NetworkConfigView
  capacity: number
  leasesOutside: LeaseView[]
  change: ConfigChangeView
}

/** What the new config means for running hosts (backends/config-change.ts), as data. */
export interface ConfigChangeView {
  changed: string[]
  hostsOnOldShape: number
  /** the keys of their leases */
  oldShapeLeases: string[]
  changesWhen: 'agent-restart'
  splitsNetwork: boolean
  mtu: {from: string; to: string} | null
  dockerRestart: boolean
  notes: string[]
}

export function configChangeView(change: ConfigChange): ConfigChangeView {
  return {
    changed: change.changed,
    hostsOnOldShape: change.oldShapeLeases.length,
    oldShapeLeases: change.oldShapeLeases.map((lease) => lease.key),
    changesWhen: 'agent-restart',
    splitsNetwork: change.splitsNetwork,
    mtu: change.mtu ?? null,
    dockerRestart: change.notes.some((note) => note.includes('restart docker')),
    notes: change.notes,
  }
}

export function renderConfigSet(view: ConfigSetView, paint: Painter): string {
  const head = view.written ? paint.green(`Wrote ${view.key}`) : paint.cyan(`Dry run: ${view.key} is unchanged; it would get`)
  const parts = [`${head}\n  ${view.value}`, renderNetworkConfig(view.config, view.capacity, paint)]
  if (view.leasesOutside.length > 0) {
    parts.push(`${paint.yellow(`${view.leasesOutside.length} existing lease(s) outside this config`)} (their hosts move to a new subnet when their agent restarts):\n${renderLeaseTable(view.leasesOutside, paint)}`)
  } else {
    parts.push('Every existing lease fits this config.')
  }
  if (view.change.changed.length > 0 || view.change.notes.length > 0) {
    const lines = [...view.change.changed.map((c) => `  ${c}`), ...view.change.notes.map((n) => `  ${paint.yellow('!')} ${n}`)]
    parts.push(`${paint.bold('What changes, and when')}:\n${lines.join('\n')}`)
  }
  return parts.join('\n\n')
}

export interface ConfigGetView {
  key: string
  value: string
  config: NetworkConfigView
  capacity: number
}

export function renderConfigGet(view: ConfigGetView, paint: Painter): string {
  return `${paint.dim(view.key)}\n  ${view.value.trim()}\n\n${renderNetworkConfig(view.config, view.capacity, paint)}`
}
