// The network config key (<prefix>/config) and the search for flannel configs under other
// prefixes, for the classic /atomic.io/network vs /coreos.com/network mix-up.
import {looksLikeNetworkConfig} from '../../core/looks-like-network-config.js'
import {configKey} from '../../core/subnet-key.js'
import type {EtcdConnection} from './etcd-connection.js'
import {readRange} from './etcd-range.js'
import {rawRange} from './raw-range.js'

/** how many candidate keys are read when looking for configs elsewhere */
const MAX_CONFIG_CANDIDATES = 50

export async function getConfig(connection: EtcdConnection): Promise<string | undefined> {
  const key = configKey(connection.prefix)
  // flanctl's own Range codec (raw-range.ts): the agent's first etcd read needs no protobufjs
  const response = await connection.call(`reading ${key}`, (call) => rawRange(connection.client, {key: Buffer.from(key), rangeEnd: Buffer.alloc(0)}, call))
  return response.kvs[0]?.value.toString('utf8')
}

export async function putConfig(connection: EtcdConnection, text: string): Promise<void> {
  const key = configKey(connection.prefix)
  await connection.call(`writing ${key}`, (call) => connection.client.kv.put({key: Buffer.from(key), value: Buffer.from(text)}, call))
}

/**
 * Keys anywhere in etcd that end in /config and hold a flannel-like network config. Only key
 * names are scanned; values are read for at most 50 candidates. A user not allowed to read the
 * whole keyspace gets an empty answer: this is a hint, not a requirement.
 */
export async function findConfigKeys(connection: EtcdConnection): Promise<string[]> {
  const all = Buffer.from([0])
  let keys: string[]
  try {
    const read = await readRange(connection, 'scanning etcd for keys ending in /config', all, all, {keysOnly: true})
    keys = read.kvs.map((kv) => kv.key.toString('utf8')).filter((k) => k.endsWith('/config'))
  } catch (error) {
    if (/permission denied/i.test(String((error as Error).message))) return []
    throw error
  }
  const found: string[] = []
  for (const key of keys.slice(0, MAX_CONFIG_CANDIDATES)) {
    const response = await connection.call(`reading ${key}`, (call) => connection.client.kv.range({key: Buffer.from(key)}, call))
    const value = response.kvs[0]?.value.toString('utf8')
    if (value !== undefined && looksLikeNetworkConfig(value)) found.push(key)
  }
  return found
}
