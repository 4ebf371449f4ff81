// Reaching one etcd endpoint by hand, stage by stage, with sockets of our own that are destroyed
// on every path: the URL, the host name, TCP, TLS (checked here, so that an expired, misnamed or
// unknown-CA server certificate is named), then JSON over etcd's HTTP gateway (/v3/..., /v2/...).
// Every step is bounded by one deadline.
import {lookup} from 'node:dns/promises'
import {isIP, connect as tcpConnect, type Socket} from 'node:net'
import {checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket} from 'node:tls'
import type {EndpointStage} from '../../core/endpoint-report.js'
import {parseEtcdEndpoint, type EtcdEndpointUrl} from '../../core/etcd-endpoint-url.js'

export interface DialTls {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
}

/** A stage that failed: its cause in one line, and a hint when there is something to check. */
export class StageFailure extends Error {
  constructor(readonly stage: EndpointStage, message: string, readonly hint?: string) {
    super(message)
  }
}

export type ParsedEndpoint = EtcdEndpointUrl

export function parseEndpoint(endpoint: string): ParsedEndpoint {
  const parsed = parseEtcdEndpoint(endpoint)
  if (!parsed.ok) throw new StageFailure('url', parsed.error.message)
  return parsed.value
}

export function secondsText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost'
}

/** Rejects with a StageFailure when `ms` ran out first; `cleanup` runs then. */
async function bounded<T>(stage: EndpointStage, work: Promise<T>, deadline: number, timeoutMs: number, cleanup: () => void = () => {}): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { cleanup(); reject(new StageFailure(stage, `no answer within ${secondsText(timeoutMs)}`)) }, Math.max(0, deadline - Date.now()))
  })
  work.catch(() => undefined)
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}

export interface Dialled {
  socket: Socket
  address: string
  evidence: string[]
}

export async function resolveAddress(target: ParsedEndpoint, deadline: number, timeoutMs: number): Promise<string> {
  if (isIP(target.host) !== 0) return target.host
  try {
    return (await bounded('dns', lookup(target.host), deadline, timeoutMs)).address
  } catch (error) {
    if (error instanceof StageFailure) throw error
    throw new StageFailure('dns', `host name ${target.host} not found`, 'Check the host names in --etcd-endpoints (FLANNELD_ETCD_ENDPOINTS).')
  }
}

export async function openTcp(target: ParsedEndpoint, address: string, deadline: number, timeoutMs: number): Promise<Socket> {
  const socket = tcpConnect({host: address, port: target.port})
  const connected = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('error', reject)
  })
  try {
    return await bounded('tcp', connected, deadline, timeoutMs, () => socket.destroy())
  } catch (error) {
    socket.destroy()
    if (error instanceof StageFailure) throw new StageFailure('tcp', error.message, 'Nothing answered, not even a refusal: a firewall dropping packets, or an address nobody has?')
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ECONNREFUSED') {
      const hint = isLoopback(address)
        ? 'Is etcd running and listening there? Check --etcd-endpoints (FLANNELD_ETCD_ENDPOINTS).'
        : `etcd on ${target.host} may listen on localhost only: its --listen-client-urls (ETCD_LISTEN_CLIENT_URLS) must include ${target.secure ? 'https' : 'http'}://${target.host}:${target.port} (or 0.0.0.0).`
      throw new StageFailure('tcp', 'connection refused', hint)
    }
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') throw new StageFailure('tcp', 'host unreachable')
    throw new StageFailure('tcp', (error as Error).message)
  }
}

function day(date: string): string {
  return new Date(date).toISOString().slice(0, 10)
}

function names(cert: PeerCertificate): string {
  const alt = (cert.subjectaltname ?? '').split(',').map((s) => s.trim().replace(/^(DNS|IP Address):/, '')).filter((s) => s !== '')
  return alt.length > 0 ? alt.join(', ') : String(cert.subject?.CN ?? '(no name)')
}

/** TLS over the TCP socket; the server certificate checked by hand so that each fault is named. */
export async function openTls(target: ParsedEndpoint, socket: Socket, tls: DialTls, deadline: number, timeoutMs: number, evidence: string[]): Promise<TLSSocket> {
  const secure = tlsConnect({socket, servername: isIP(target.host) === 0 ? target.host : undefined, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: false, checkServerIdentity: () => undefined})
  const ready = new Promise<TLSSocket>((resolve, reject) => {
    secure.once('secureConnect', () => resolve(secure))
    secure.once('error', reject)
  })
  let done: TLSSocket
  try {
    done = await bounded('tls', ready, deadline, timeoutMs, () => secure.destroy())
  } catch (error) {
    secure.destroy()
    if (error instanceof StageFailure) throw error
    const message = (error as Error).message
    if (/wrong version number|packet length too long|disconnected before secure TLS connection/i.test(message)) throw new StageFailure('tls', 'the endpoint does not speak TLS (use http:// for it?)')
    throw new StageFailure('tls', `TLS handshake failed: ${message}`)
  }
  const cert = done.getPeerCertificate()
  evidence.push(`server certificate: ${names(cert)}, issued by ${String(cert.issuer?.CN ?? '?')}, valid ${day(cert.valid_from)} to ${day(cert.valid_to)}`)
  const fail = (message: string, hint?: string): never => {
    done.destroy()
    throw new StageFailure('tls', message, hint)
  }
  const caHint = 'Check --etcd-cafile (FLANNELD_ETCD_CAFILE): it must be the CA that signed the etcd server certificate.'
  // the chain only (checkServerIdentity is ours, below): a string like CERT_HAS_EXPIRED
  const problem = done.authorizationError as unknown
  const reason = problem === null || problem === undefined ? undefined : typeof problem === 'string' ? problem : String((problem as NodeJS.ErrnoException).code ?? problem)
  if (reason === 'CERT_HAS_EXPIRED') fail(`server certificate expired on ${day(cert.valid_to)}`, 'Renew the etcd server certificate (its --cert-file).')
  if (reason === 'CERT_NOT_YET_VALID') fail(`server certificate is not valid before ${day(cert.valid_from)}`, 'Check the clocks, or the certificate dates.')
  if (reason !== undefined) fail('server certificate signed by an unknown authority', caHint)
  const identity = checkServerIdentity(target.host, cert)
  if (identity !== undefined) fail(`server certificate is for ${names(cert)}, not ${target.host}`, `Use an endpoint name the certificate holds, or reissue the server certificate with ${target.host} in its subjectAltName.`)
  return done
}

export interface GatewayAnswer {
  status: number
  body: string
}

/** The body of an HTTP/1.1 response, chunked or not. */
function responseBody(head: string, rest: Buffer): string {
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return rest.toString('utf8')
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = rest.indexOf('\r\n', at)
    if (eol === -1) break
    const size = Number.parseInt(rest.subarray(at, eol).toString('latin1'), 16)
    if (!(size > 0)) break
    parts.push(rest.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(parts).toString('utf8')
}

/**
 * One HTTP/1.1 request over an opened socket, which is closed afterwards. Written by hand: node's
 * http client given an already-connected TLS socket (createConnection) hangs up on etcd.
 */
export function httpOver(socket: Socket, target: ParsedEndpoint, method: 'GET' | 'POST', path: string, body: unknown, headers: Record<string, string>, deadline: number, timeoutMs: number): Promise<GatewayAnswer> {
  const text = body === undefined ? '' : JSON.stringify(body)
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`, 'connection: close', `content-length: ${Buffer.byteLength(text)}`]
  if (body !== undefined) lines.push('content-type: application/json')
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  const answered = new Promise<GatewayAnswer>((resolve, reject) => {
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.once('error', reject)
    socket.once('close', () => {
      const all = Buffer.concat(chunks)
      const end = all.indexOf('\r\n\r\n')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(all.toString('latin1'))
      if (end === -1 || status === null) {
        reject(new Error('socket hang up'))
        return
      }
      resolve({status: Number(status[1]), body: responseBody(all.subarray(0, end).toString('latin1'), all.subarray(end + 4))})
    })
    // write, not end: a half-closed socket makes etcd cancel the request ("context canceled")
    socket.write(`${lines.join('\r\n')}\r\n\r\n${text}`)
  })
  return bounded('etcd', answered, deadline, timeoutMs, () => socket.destroy()).finally(() => socket.destroy())
}
