// Network configs read over etcd's HTTP gateway, where the v3 client cannot look: a key written
// with the v2 API (GET /v2/keys/...; etcd 3.4 serves it only with --enable-v2), and v3 keys
// ending in /config under other prefixes. Asks the first endpoint that answers, within
// timeoutMs; best effort: what cannot be read is left out.
import {looksLikeNetworkConfig} from '../../core/looks-like-network-config.js'
import {authenticate, linkEndpoint, loadProbeMaterial, type EndpointLink, type ProbeOptions} from './probe-endpoints.js'

/** how many candidate keys are read */
const MAX_CANDIDATES = 50

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64')
const unb64 = (text: unknown) => Buffer.from(String(text ?? ''), 'base64').toString('utf8')

/** Whether the v2 API holds `key` (e.g. /coreos.com/network/config). */
export async function v2Config(link: EndpointLink, key: string): Promise<boolean> {
  const answer = await link.request('GET', `/v2/keys${key.split('/').map(encodeURIComponent).join('/')}`)
  if (answer.status !== 200) return false
  const value = (JSON.parse(answer.body) as {node?: {value?: string}}).node?.value
  return typeof value === 'string'
}

async function v3Range(link: EndpointLink, headers: Record<string, string>, body: object): Promise<Array<{key: string; value: string}>> {
  const answer = await link.request('POST', '/v3/kv/range', body, headers)
  if (answer.status !== 200) return []
  const kvs = (JSON.parse(answer.body) as {kvs?: Array<{key?: string; value?: string}>}).kvs ?? []
  return kvs.map((kv) => ({key: unb64(kv.key), value: unb64(kv.value)}))
}

/** Prefixes (without /config) of v3 keys ending in /config, other than `own`, that hold a flannel-looking config. */
export async function otherConfigPrefixes(link: EndpointLink, headers: Record<string, string>, own: string): Promise<string[]> {
  const all = b64(Buffer.from([0]))
  const keys = (await v3Range(link, headers, {key: all, range_end: all, keys_only: true})).map((kv) => kv.key).filter((k) => k.endsWith('/config') && k !== own)
  const found: string[] = []
  for (const key of keys.slice(0, MAX_CANDIDATES)) {
    const [kv] = await v3Range(link, headers, {key: b64(key)})
    if (kv !== undefined && looksLikeNetworkConfig(kv.value)) found.push(key.slice(0, -'/config'.length))
  }
  return found
}


export interface ConfigElsewhere {
  /** the key found via the v2 API (<prefix>/config) */
  v2Key?: string
  /** prefixes (without /config) of v3 keys ending in /config that hold a flannel-looking config */
  otherPrefixes: string[]
}

export interface FindConfigOptions {
  endpoints: string[]
  tls?: ProbeOptions['tls']
  auth?: ProbeOptions['auth']
  prefix: string
  timeoutMs: number
}

/** The first endpoint that answers (all dialled at once, each within the deadline), or undefined. */
async function firstAnswering(options: FindConfigOptions, deadline: number): Promise<{link: EndpointLink; headers: Record<string, string>} | undefined> {
  const material = await loadProbeMaterial(options.tls, new Date())
  const attempts = options.endpoints.map(async (endpoint) => {
    const link = await linkEndpoint(endpoint, material, deadline, options.timeoutMs)
    const token = await authenticate(link, options.auth)
    const headers: Record<string, string> = token === undefined ? {} : {authorization: token}
    return {link, headers}
  })
  return Promise.any(attempts).catch(() => undefined)
}

export async function findConfigElsewhere(options: FindConfigOptions): Promise<ConfigElsewhere> {
  const deadline = Date.now() + options.timeoutMs
  const own = `${options.prefix.replace(/\/+$/, '')}/config`
  const found = await firstAnswering(options, deadline)
  if (found === undefined) return {otherPrefixes: []}
  const [v2, otherPrefixes] = await Promise.all([
    v2Config(found.link, own).catch(() => false),
    otherConfigPrefixes(found.link, found.headers, own).catch(() => [] as string[]),
  ])
  return v2 ? {v2Key: own, otherPrefixes} : {otherPrefixes}
}
