// One etcd endpoint URL taken apart: http(s)://host:port, or host:port as etcd3 takes it. A port
// above 65535 is named here (node's URL parser only says "Invalid URL").
import {fail, ok, type Result} from './result.js'

export interface EtcdEndpointUrl {
  secure: boolean
  host: string
  port: number
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

export function parseEtcdEndpoint(endpoint: string): Result<EtcdEndpointUrl> {
  const withScheme = SCHEME.test(endpoint) ? endpoint : `http://${endpoint}`
  const port = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^/:@]*):(\d+)/i.exec(withScheme)?.[1]
  if (port !== undefined && (Number(port) > 65535 || Number(port) === 0)) return fail('E_USAGE', `port ${port} is out of range (1-65535)`)
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return fail('E_USAGE', 'not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('E_USAGE', `scheme ${url.protocol}// is not http:// or https://`)
  if (url.hostname === '') return fail('E_USAGE', 'no host')
  const secure = url.protocol === 'https:'
  return ok({secure, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? (secure ? 443 : 80) : Number(url.port)})
}
