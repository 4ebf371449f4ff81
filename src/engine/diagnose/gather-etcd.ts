// Layers 1-3 gathered: etcd answers, the config at <prefix>/config (decoded by the agent's own
// decoder), and the leases with their time left.
import {decodeNetworkConfig, configWarnings, unrunnableParts} from '../../backends/network-config.js'
import {FlanctlError} from '../../core/errors.js'
import type {ConfigPart, EtcdPart, Gathered, LeaseFact, LeasePart} from '../../core/diagnose/snapshot.js'
import type {EndpointReport} from '../../core/endpoint-report.js'
import {formatIp4, formatIp4Net, ip4NetContainsNet, lastAddress} from '../../core/ip4.js'
import {leaseBackendType} from '../../core/lease-codec.js'
import {subnetCapacity} from '../../core/network-config.js'
import {ownLeases} from '../../core/peers.js'
import type {LeaseList, LeaseStore} from '../../core/ports.js'
import {configKey} from '../../core/subnet-key.js'
import type {Lease, NetworkConfig} from '../../core/types.js'
import {vxlanBackendData} from '../../backends/vxlan/lease-data.js'
import type {DiagnoseInput} from './diagnose-input.js'

export interface ConfigAndLeases {
  config?: ConfigPart
  /** the config as the agent's decoder gives it, when valid */
  decoded?: NetworkConfig
  list?: Gathered<LeaseList>
}

function describeStore(input: DiagnoseInput): string {
  return `etcd ${input.store.endpoints.join(',')} prefix ${input.store.prefix}`
}

export async function openStore(input: DiagnoseInput): Promise<{store?: LeaseStore; etcd: EtcdPart}> {
  try {
    const {openEtcdStore} = await import('../../adapters/etcd/index.js')
    const store = await openEtcdStore({...input.store, dialTimeoutMs: input.timeoutMs, requestTimeoutMs: input.timeoutMs, proveConnection: true})
    return {store, etcd: {description: store.description}}
  } catch (error) {
    const e = error instanceof FlanctlError ? error : new FlanctlError('E_INTERNAL', (error as Error).message ?? String(error))
    return {etcd: {description: describeStore(input), error: {code: e.code, message: e.message}}}
  }
}

/** The probe options for the adapter's per-endpoint probe and config search, from the store options. */
function probeOptions(input: DiagnoseInput) {
  const {endpoints, caFile, certFile, keyFile, username, password} = input.store
  const tls = caFile || certFile || keyFile ? {caFile, certFile, keyFile} : undefined
  const auth = username !== undefined ? {username, password: password ?? ''} : undefined
  return {endpoints, tls, auth, timeoutMs: input.timeoutMs}
}

/** Layer 2: each endpoint on its own, in parallel (the etcd adapter's probe); failures are reports, never throws. */
export async function probeEtcdEndpoints(input: DiagnoseInput): Promise<EndpointReport[] | undefined> {
  const {probeEndpoints} = await import('../../adapters/etcd/probe-endpoints.js')
  return probeEndpoints(probeOptions(input)).catch(() => undefined)
}

export async function gatherConfigAndLeases(store: LeaseStore, input: DiagnoseInput): Promise<ConfigAndLeases> {
  const key = configKey(store.prefix)
  const [text, list] = await Promise.all([store.getConfig(), store.listLeases({withTtl: true}).then((value) => ({ok: true as const, value}), (error: Error) => ({ok: false as const, reason: error.message}))])
  const config: ConfigPart = {key, text, unrunnable: [], warnings: [], elsewhere: []}
  if (text === undefined) {
    // other prefixes, and a v2-API key the v3 API cannot see
    const {findConfigElsewhere} = await import('../find-config-elsewhere.js')
    const found = await findConfigElsewhere({...probeOptions(input), prefix: store.prefix}).catch(() => ({otherPrefixes: [] as string[], v2Key: undefined}))
    config.elsewhere = found.otherPrefixes
    config.v2Key = found.v2Key
    return {config, list}
  }
  const decoded = decodeNetworkConfig(text, key)
  if (!decoded.ok) {
    config.error = decoded.error.message
    return {config, list}
  }
  const cfg = decoded.value
  config.network = cfg.network === undefined ? undefined : formatIp4Net(cfg.network)
  config.backendType = cfg.backend.type
  config.subnetLen = cfg.subnetLen
  config.capacity = subnetCapacity(cfg)
  config.unrunnable = unrunnableParts(cfg)
  config.warnings = configWarnings(cfg).filter((w) => !config.unrunnable.some((u) => w.startsWith(u)))
  return {config, decoded: cfg, list}
}

/** Our leases by public IP as the agent finds them (ownLeases); the one subnet.env names (in use) first. */
export function ownLeasesInUseFirst(list: LeaseList, publicIp: number, inUse?: string): Lease[] {
  const own = ownLeases(list.leases, publicIp)
  const i = own.findIndex((l) => formatIp4Net(l.subnet) === inUse)
  return i <= 0 ? own : [own[i]!, ...own.slice(0, i), ...own.slice(i + 1)]
}

/** The leases as facts, our own found by public IP as the agent finds it (ownLeases). */
export function leasePart(list: LeaseList, cfg: NetworkConfig, publicIp: number, inUse?: string): LeasePart {
  const network = cfg.network
  const facts: LeaseFact[] = list.leases.map((l) => ({
    key: l.key,
    subnet: formatIp4Net(l.subnet),
    publicIp: l.attrs.publicIp,
    backendType: leaseBackendType(l.attrs),
    vtepMac: vxlanBackendData(l.attrs)?.vtepMac,
    ttlSeconds: l.ttlSeconds,
    reservation: l.reservation,
    inRange: network !== undefined && ip4NetContainsNet(network, l.subnet) && l.subnet.prefixLen === cfg.subnetLen && l.subnet.ip >= cfg.subnetMin && l.subnet.ip <= cfg.subnetMax,
  }))
  const sorted = [...list.leases].sort((a, b) => a.subnet.ip - b.subnet.ip)
  const overlaps: string[] = []
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!
    const next = sorted[i]!
    if (next.subnet.ip <= lastAddress(prev.subnet)) overlaps.push(`${formatIp4Net(prev.subnet)} (${prev.key}) and ${formatIp4Net(next.subnet)} (${next.key})`)
  }
  return {publicIp: formatIp4(publicIp), leases: facts, warnings: list.warnings, ownKeys: ownLeasesInUseFirst(list, publicIp, inUse).map((l) => l.key), overlaps}
}

