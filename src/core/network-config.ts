// The network config at <prefix>/config: decoded, validated and normalised exactly as flannel's
// ParseConfig + CheckNetworkConfig do (Go's encoding/json semantics: keys match case-insensitively,
// the last one wins, unknown keys are ignored), with flannel's error messages and rule order.
import {formatIp4, formatIp4Net, ip4Mask, ip4NetContains, ip4NetSize, parseIp4, parseIp4Net} from './ip4.js'
import {formatIp6, formatIp6Net, ip6Mask, ip6NetContains, ip6NetSize, parseIp6, parseIp6Net} from './ip6.js'
import {fail, ok, type Result} from './result.js'
import {boolField as bool, describeJson as describe, FieldError as ConfigError, foldKeys, isPlainObject, setOwn, uintField as uint, type Fields} from './go-json.js'
import {UNNAMED_BACKEND, type BackendConfig, type Ip4Net, type Ip6Net, type NetworkConfig} from './types.js'

/** Network / IPv6Network: Go's IP4Net/IP6Net UnmarshalJSON (ParseCIDR, host bits masked; null is an error). */
function cidr4(fields: Fields, name: string): Ip4Net | undefined {
  if (!fields.has(name.toLowerCase())) return undefined
  const value = fields.get(name.toLowerCase())
  const parsed = typeof value === 'string' ? parseIp4Net(value) : undefined
  if (parsed === undefined || !parsed.ok) throw new ConfigError(`${name}: invalid IPv4 CIDR ${describe(value)} (expected e.g. "10.1.0.0/16")`)
  return parsed.value
}

function cidr6(fields: Fields, name: string): Ip6Net | undefined {
  if (!fields.has(name.toLowerCase())) return undefined
  const value = fields.get(name.toLowerCase())
  const parsed = typeof value === 'string' ? parseIp6Net(value) : undefined
  if (parsed === undefined || !parsed.ok) throw new ConfigError(`${name}: invalid IPv6 CIDR ${describe(value)} (expected e.g. "fc00::/48")`)
  return parsed.value
}

/** SubnetMin / SubnetMax: Go's IP4 (a value, so null is an error); absent is 0. */
function addr4(fields: Fields, name: string): number {
  if (!fields.has(name.toLowerCase())) return 0
  const value = fields.get(name.toLowerCase())
  const ip = typeof value === 'string' ? parseIp4(value) : undefined
  if (ip === undefined) throw new ConfigError(`${name}: invalid IPv4 address ${describe(value)}`)
  return ip
}

/** IPv6SubnetMin / IPv6SubnetMax: Go's *IP6 (a pointer, so null means absent); absent is 0. */
function addr6(fields: Fields, name: string): bigint {
  const value = fields.get(name.toLowerCase())
  if (value === undefined || value === null) return 0n
  const ip = typeof value === 'string' ? parseIp6(value) : undefined
  if (ip === undefined) throw new ConfigError(`${name}: invalid IPv6 address ${describe(value)}`)
  return ip
}

/** flannel's parseBackendType: Backend must decode into {Type string}. */
function checkBackendType(fields: Fields): void {
  const value = fields.get('backend')
  if (value === undefined || value === null) return
  if (!isPlainObject(value)) {
    throw new ConfigError(`error decoding Backend property of config: expected an object such as {"Type": "vxlan"}, got ${describe(value)}`)
  }
  const type = foldKeys(value).get('type')
  if (type !== undefined && type !== null && typeof type !== 'string') {
    throw new ConfigError(`error decoding Backend property of config: Backend.Type: expected a string, got ${describe(type)}`)
  }
}

/**
 * The Backend object's type, lower-cased as flannel's backend manager does, and its options as
 * given (raw). The options are decoded by the backend's module (src/backends), which fills in
 * vni, port, directRouting and mtu.
 */
function backendOf(fields: Fields): BackendConfig {
  const undecoded = (type: string, raw: Record<string, unknown>): BackendConfig => ({type, vni: 0, port: 0, directRouting: false, mtu: 0, raw})
  if (!fields.has('backend')) return undecoded(UNNAMED_BACKEND, {})
  const value = fields.get('backend')
  if (!isPlainObject(value)) throw new ConfigError('Backend: is null; give an object such as {"Type": "vxlan"} or leave Backend out (udp)')
  const type = ((foldKeys(value).get('type') as string | null | undefined) ?? '').toLowerCase()
  if (type === '') throw new ConfigError('Backend.Type: missing; set it to one of vxlan, host-gw, udp')
  const raw: Record<string, unknown> = {}
  for (const [key, option] of Object.entries(value)) if (key.toLowerCase() !== 'type') setOwn(raw, key, option)
  return undecoded(type, raw)
}

function checkIPv4(cfg: NetworkConfig): void {
  const network = cfg.network
  if (network === undefined || (network.ip === 0 && network.prefixLen === 0)) {
    throw new ConfigError('please define a correct Network parameter in the flannel config')
  }
  const where = `(Network ${formatIp4Net(network)}, SubnetLen ${cfg.subnetLen})`
  if (cfg.subnetLen > 0) {
    // a tunnel and a bridge address per host
    if (cfg.subnetLen > 30) throw new ConfigError(`SubnetLen must be less than /31 ${where}`)
    // the first subnet is skipped, so the network must split in at least four
    if (cfg.subnetLen < network.prefixLen + 2) throw new ConfigError(`network must be able to accommodate at least four subnets ${where}`)
  } else if (network.prefixLen > 28) {
    throw new ConfigError(`network is too small. Minimum useful network prefix is /28 (Network ${formatIp4Net(network)})`)
  } else {
    cfg.subnetLen = network.prefixLen <= 22 ? 24 : network.prefixLen + 2
  }
  const size = ip4NetSize(cfg.subnetLen)
  if (cfg.subnetMin === 0) cfg.subnetMin = network.ip + size
  else if (!ip4NetContains(network, cfg.subnetMin)) {
    throw new ConfigError(`SubnetMin is not in the range of the Network (SubnetMin ${formatIp4(cfg.subnetMin)}, Network ${formatIp4Net(network)})`)
  }
  if (cfg.subnetMax === 0) cfg.subnetMax = network.ip + ip4NetSize(network) - size
  else if (!ip4NetContains(network, cfg.subnetMax)) {
    throw new ConfigError(`SubnetMax is not in the range of the Network (SubnetMax ${formatIp4(cfg.subnetMax)}, Network ${formatIp4Net(network)})`)
  }
  const mask = ip4Mask(cfg.subnetLen)
  if (((cfg.subnetMin & mask) >>> 0) !== cfg.subnetMin) {
    throw new ConfigError(`SubnetMin is not on a SubnetLen boundary: ${formatIp4(cfg.subnetMin)}`)
  }
  if (((cfg.subnetMax & mask) >>> 0) !== cfg.subnetMax) {
    throw new ConfigError(`SubnetMax is not on a SubnetLen boundary: ${formatIp4(cfg.subnetMax)}`)
  }
}

function checkIPv6(cfg: NetworkConfig): void {
  const network = cfg.ipv6Network
  if (network === undefined || (network.ip === 0n && network.prefixLen === 0)) {
    throw new ConfigError('please define a correct IPv6Network parameter in the flannel config')
  }
  let subnetLen = cfg.ipv6SubnetLen ?? 0
  const where = `(IPv6Network ${formatIp6Net(network)}, IPv6SubnetLen ${subnetLen})`
  if (subnetLen > 0) {
    if (subnetLen > 126) throw new ConfigError(`SubnetLen must be less than /127 ${where}`)
    if (subnetLen < network.prefixLen + 2) throw new ConfigError(`network must be able to accommodate at least four subnets ${where}`)
  } else if (network.prefixLen > 124) {
    throw new ConfigError(`IPv6Network is too small. Minimum useful network prefix is /124 (IPv6Network ${formatIp6Net(network)})`)
  } else {
    subnetLen = network.prefixLen <= 62 ? 64 : network.prefixLen + 2
  }
  cfg.ipv6SubnetLen = subnetLen
  const size = ip6NetSize(subnetLen)
  let min = cfg.ipv6SubnetMin ?? 0n
  let max = cfg.ipv6SubnetMax ?? 0n
  if (min === 0n) min = network.ip + size
  else if (!ip6NetContains(network, min)) {
    throw new ConfigError(`IPv6SubnetMin is not in the range of the IPv6Network (IPv6SubnetMin ${formatIp6(min)}, IPv6Network ${formatIp6Net(network)})`)
  }
  if (max === 0n) max = network.ip + ip6NetSize(network) - size
  else if (!ip6NetContains(network, max)) {
    throw new ConfigError(`IPv6SubnetMax is not in the range of the IPv6Network (IPv6SubnetMax ${formatIp6(max)}, IPv6Network ${formatIp6Net(network)})`)
  }
  const mask = ip6Mask(subnetLen)
  if ((min & mask) !== min) throw new ConfigError(`IPv6SubnetMin is not on a SubnetLen boundary: ${formatIp6(min)}`)
  if ((max & mask) !== max) throw new ConfigError(`IPv6SubnetMax is not on a SubnetLen boundary: ${formatIp6(max)}`)
  cfg.ipv6SubnetMin = min
  cfg.ipv6SubnetMax = max
}

function decodeObject(object: Record<string, unknown>): NetworkConfig {
  const fields = foldKeys(object)
  const cfg: NetworkConfig = {
    enableIPv4: bool(fields, 'EnableIPv4', true),
    enableIPv6: bool(fields, 'EnableIPv6', false),
    subnetLen: uint(fields, 'SubnetLen'),
    subnetMin: addr4(fields, 'SubnetMin'),
    subnetMax: addr4(fields, 'SubnetMax'),
    enableNFTables: bool(fields, 'EnableNFTables', false),
    backend: {type: UNNAMED_BACKEND, vni: 0, port: 0, directRouting: false, mtu: 0, raw: {}},
  }
  const network = cidr4(fields, 'Network')
  if (network !== undefined) cfg.network = network
  const ipv6Network = cidr6(fields, 'IPv6Network')
  const ipv6SubnetLen = uint(fields, 'IPv6SubnetLen')
  const ipv6SubnetMin = addr6(fields, 'IPv6SubnetMin')
  const ipv6SubnetMax = addr6(fields, 'IPv6SubnetMax')
  // flannel decodes the whole document (and Backend.Type) before checking any rule, so type
  // errors come first; the backend's own options are read later, when the backend starts
  checkBackendType(fields)
  if (cfg.enableIPv4) checkIPv4(cfg)
  if (cfg.enableIPv6) {
    cfg.ipv6Network = ipv6Network
    cfg.ipv6SubnetLen = ipv6SubnetLen
    cfg.ipv6SubnetMin = ipv6SubnetMin
    cfg.ipv6SubnetMax = ipv6SubnetMax
    checkIPv6(cfg)
  }
  if (!cfg.enableIPv4 && !cfg.enableIPv6) throw new ConfigError('EnableIPv4 and EnableIPv6 are both false: nothing to set up')
  cfg.backend = backendOf(fields)
  return cfg
}

/**
 * Decodes and validates a network config document by flannel's network rules; the Backend's
 * options are left to its module (src/backends/network-config.ts decodes the whole document). `source` names where the text came from
 * ("etcd key /coreos.com/network/config", "--file net.json") and starts every message.
 * Never throws: bad JSON is E_BAD_DATA, a config flannel would reject is E_INVALID_CONFIG.
 */
export function decodeNetworkRules(text: string, source: string): Result<NetworkConfig> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return fail('E_BAD_DATA', `${source}: not valid JSON: ${(error as Error).message}`)
  }
  if (!isPlainObject(parsed)) {
    return fail('E_INVALID_CONFIG', `${source}: the network config must be a JSON object, got ${describe(parsed)}`)
  }
  try {
    return ok(decodeObject(parsed))
  } catch (error) {
    if (error instanceof ConfigError) return fail('E_INVALID_CONFIG', `${source}: ${error.message}`)
    return fail('E_INVALID_CONFIG', `${source}: ${String(error)}`)
  }
}

/**
 * Canonical JSON for a normalised config, with flannel's field names and the defaults filled in.
 * `backend` is the Backend object as its module encodes it.
 */
export function encodeNetworkConfig(cfg: NetworkConfig, backend: Record<string, unknown>): string {
  const out: Record<string, unknown> = {}
  if (cfg.network !== undefined) out.Network = formatIp4Net(cfg.network)
  if (cfg.subnetLen !== 0) out.SubnetLen = cfg.subnetLen
  if (cfg.subnetMin !== 0) out.SubnetMin = formatIp4(cfg.subnetMin)
  if (cfg.subnetMax !== 0) out.SubnetMax = formatIp4(cfg.subnetMax)
  if (!cfg.enableIPv4) out.EnableIPv4 = false
  if (cfg.enableIPv6) {
    out.EnableIPv6 = true
    if (cfg.ipv6Network !== undefined) out.IPv6Network = formatIp6Net(cfg.ipv6Network)
    if (cfg.ipv6SubnetLen) out.IPv6SubnetLen = cfg.ipv6SubnetLen
    if (cfg.ipv6SubnetMin) out.IPv6SubnetMin = formatIp6(cfg.ipv6SubnetMin)
    if (cfg.ipv6SubnetMax) out.IPv6SubnetMax = formatIp6(cfg.ipv6SubnetMax)
  }
  if (cfg.enableNFTables) out.EnableNFTables = true
  out.Backend = backend
  return JSON.stringify(out)
}

/** How many IPv4 subnets lie from SubnetMin to SubnetMax inclusive (0 when Min > Max). */
export function subnetCapacity(cfg: NetworkConfig): number {
  if (!cfg.enableIPv4 || cfg.network === undefined || cfg.subnetLen === 0 || cfg.subnetMin > cfg.subnetMax) return 0
  return Math.floor((cfg.subnetMax - cfg.subnetMin) / ip4NetSize(cfg.subnetLen)) + 1
}

/** How many IPv6 subnets lie from IPv6SubnetMin to IPv6SubnetMax inclusive (a bigint: it can be huge). */
export function ipv6SubnetCapacity(cfg: NetworkConfig): bigint {
  const {ipv6SubnetMin: min, ipv6SubnetMax: max, ipv6SubnetLen: len} = cfg
  if (!cfg.enableIPv6 || min === undefined || max === undefined || len === undefined || min > max) return 0n
  return (max - min) / ip6NetSize(len) + 1n
}

/** Things flannel accepts but that will not work as the user probably expects (the backend's own: its module). */
export function configWarnings(cfg: NetworkConfig): string[] {
  const warnings: string[] = []
  if (cfg.enableIPv4 && cfg.subnetMin > cfg.subnetMax) {
    warnings.push(`SubnetMin ${formatIp4(cfg.subnetMin)} is above SubnetMax ${formatIp4(cfg.subnetMax)}: allocation will fail with out of subnets`)
  }
  if (cfg.enableIPv6 && cfg.ipv6SubnetMin !== undefined && cfg.ipv6SubnetMax !== undefined && cfg.ipv6SubnetMin > cfg.ipv6SubnetMax) {
    warnings.push(
      `IPv6SubnetMin ${formatIp6(cfg.ipv6SubnetMin)} is above IPv6SubnetMax ${formatIp6(cfg.ipv6SubnetMax)}: allocation will fail with out of subnets`,
    )
  }
  return warnings
}
