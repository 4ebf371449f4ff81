// Reads <prefix>/config. When it is missing the error says which key was read on which etcd and
// points at flannel configs under other prefixes: the classic /atomic.io/network (Fedora/RHEL
// packages) versus /coreos.com/network (flannel's default) mix-up, which flannel reports only
// as "Key not found"; and a config written with etcd's v2 API, which the v3 API cannot see.
import {FlanctlError} from '../core/errors.js'
import {decodeNetworkConfig} from '../backends/network-config.js'
import type {LeaseStore} from '../core/ports.js'
import {configKey} from '../core/subnet-key.js'
import type {NetworkConfig} from '../core/types.js'

export interface NetworkConfigRead {
  key: string
  text: string
  config: NetworkConfig
}

async function missingConfigError(store: LeaseStore, key: string): Promise<FlanctlError> {
  const elsewhere = store.configElsewhere === undefined ? undefined : await store.configElsewhere().catch(() => undefined)
  if (elsewhere?.v2Key !== undefined) {
    return new FlanctlError('E_NO_CONFIG', `no network config at ${key} in etcd's v3 API (${store.description}), but ${elsewhere.v2Key} exists in the v2 API (written with \`etcdctl mk\` or \`set\` under ETCDCTL_API=2), which flanctl does not read`, {
      hint: `Write it with the v3 API: \`flanctl config set "$(ETCDCTL_API=2 etcdctl get ${elsewhere.v2Key})"\` (or ETCDCTL_API=3 etcdctl put ${key} ...).`,
    })
  }
  const others = (await store.findConfigKeys().catch(() => [] as string[])).filter((k) => k !== key)
  const prefixes = others.map((k) => k.replace(/\/config$/, ''))
  const hint = others.length > 0
    ? `Found a flannel config at ${others.join(', ')}: use --etcd-prefix ${prefixes[0]} (or FLANNELD_ETCD_PREFIX=${prefixes[0]}), or write one here with \`flanctl config set\`.`
    : 'Write one with `flanctl config set \'{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan"}}\'`, or point --etcd-prefix at the prefix that has it.'
  return new FlanctlError('E_NO_CONFIG', `no network config at ${key} (${store.description})`, {hint})
}

/** The raw text and the decoded config; throws E_NO_CONFIG or E_INVALID_CONFIG naming the key. */
export async function readNetworkConfig(store: LeaseStore): Promise<NetworkConfigRead> {
  const key = configKey(store.prefix)
  const text = await store.getConfig()
  if (text === undefined) throw await missingConfigError(store, key)
  const decoded = decodeNetworkConfig(text, key)
  if (!decoded.ok) {
    // the message starts with the key: "/coreos.com/network/config: network is too small..."
    throw new FlanctlError('E_INVALID_CONFIG', `invalid network config at ${decoded.error.message}`, {
      hint: `It reads: ${text.trim()}\nFix it with \`flanctl config set\`.`,
    })
  }
  return {key, text, config: decoded.value}
}
