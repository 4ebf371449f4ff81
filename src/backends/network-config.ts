// The whole network config: flannel's network rules (core/network-config.ts), then the Backend's
// options decoded by its module. Unknown backend types keep all their options in `raw`.
import {FieldError, foldKeys, setOwn} from '../core/go-json.js'
import {configWarnings as networkWarnings, decodeNetworkRules, encodeNetworkConfig as encodeWithBackend} from '../core/network-config.js'
import {fail, ok, type Result} from '../core/result.js'
import {UNNAMED_BACKEND, type BackendConfig, type NetworkConfig} from '../core/types.js'
import {BACKEND_TYPES, findBackend, RUNNABLE_BACKEND_TYPES} from './registry.js'

/**
 * Decodes and validates a network config document as flannel does. `source` names where the
 * text came from ("etcd key /coreos.com/network/config", "--file net.json") and starts every
 * message. Never throws: bad JSON is E_BAD_DATA, a config flannel would reject is E_INVALID_CONFIG.
 */
export function decodeNetworkConfig(text: string, source: string): Result<NetworkConfig> {
  const decoded = decodeNetworkRules(text, source)
  if (!decoded.ok) return decoded
  const config = decoded.value
  const module = findBackend(config.backend.type)
  if (module === undefined) return decoded
  try {
    const given = config.backend.raw
    const known = new Set(module.optionKeys.map((key) => key.toLowerCase()))
    const raw: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(given)) if (!known.has(key.toLowerCase())) setOwn(raw, key, value)
    config.backend = {type: module.type, ...module.decodeOptions(foldKeys(given)), raw}
    return ok(config)
  } catch (error) {
    if (error instanceof FieldError) return fail('E_INVALID_CONFIG', `${source}: ${error.message}`)
    throw error
  }
}

/** The Backend object with flannel's field names: Type, the known options, then the others as given. */
function encodeBackend(backend: BackendConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {Type: backend.type, ...findBackend(backend.type)?.encodeOptions(backend)}
  for (const [key, value] of Object.entries(backend.raw)) if (!Object.hasOwn(out, key)) setOwn(out, key, value)
  return out
}

/**
 * Canonical JSON for a normalised config, with flannel's field names and the defaults filled in.
 * decodeNetworkConfig(encodeNetworkConfig(cfg)) gives cfg back.
 */
export function encodeNetworkConfig(cfg: NetworkConfig): string {
  return encodeWithBackend(cfg, encodeBackend(cfg.backend))
}

/** What `flanctl up` cannot run in this config, each naming the field; empty when it can run it all. */
export function unrunnableParts(cfg: NetworkConfig): string[] {
  const parts: string[] = []
  const type = cfg.backend.type
  if (!RUNNABLE_BACKEND_TYPES.includes(type)) {
    const what = `Backend.Type ${JSON.stringify(type)}${type === UNNAMED_BACKEND ? ' (what a config without Backend means)' : ''}`
    parts.push(findBackend(type) === undefined
      ? `${what} is not supported by flanctl (it knows ${BACKEND_TYPES.join(', ')}; flanctl up runs ${RUNNABLE_BACKEND_TYPES.join(', ')})`
      : `${what} is not supported by flanctl up yet (it runs ${RUNNABLE_BACKEND_TYPES.join(', ')})`)
  }
  if (cfg.enableIPv6) parts.push('EnableIPv6: flanctl up does not program IPv6 yet (IPv4 only)')
  if (cfg.enableNFTables) parts.push('EnableNFTables: flanctl up keeps its rules with iptables only, not nftables')
  return parts
}

/** Things flannel accepts but that will not work as the user probably expects, flanctl up's limits included. */
export function configWarnings(cfg: NetworkConfig): string[] {
  const warnings = [...networkWarnings(cfg), ...(findBackend(cfg.backend.type)?.configWarnings(cfg.backend) ?? [])]
  for (const part of unrunnableParts(cfg)) warnings.push(`${part}; flanctl up will refuse this config`)
  return warnings
}
