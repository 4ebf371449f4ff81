// Probes each etcd endpoint on its own, in parallel, each within timeoutMs: URL, DNS, TCP, TLS
// (server certificate, and our client certificate's dates), authentication, then the member's
// status over etcd's HTTP gateway. Each report names the first stage that failed and its cause.
// Effects: dns, net, tls, etcd.
import {X509Certificate} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import type {Socket} from 'node:net'
import type {EndpointReport} from '../../core/endpoint-report.js'
import {httpOver, openTcp, openTls, parseEndpoint, resolveAddress, StageFailure, type DialTls, type GatewayAnswer, type ParsedEndpoint} from './endpoint-dial.js'

export type {EndpointReport, EndpointStage} from '../../core/endpoint-report.js'

export interface ProbeOptions {
  endpoints: string[]
  tls?: {caFile?: string; certFile?: string; keyFile?: string}
  auth?: {username: string; password: string}
  timeoutMs: number
}

interface Material {
  tls: DialTls
  /** our client certificate is expired (or not yet valid): the cause for every https endpoint */
  clientCertProblem?: string
}

async function readOptional(file: string | undefined): Promise<Buffer | undefined> {
  return file === undefined || file === '' ? undefined : readFile(file)
}

async function loadMaterial(tls: ProbeOptions['tls'], now: Date): Promise<Material> {
  const [ca, cert, key] = await Promise.all([readOptional(tls?.caFile), readOptional(tls?.certFile), readOptional(tls?.keyFile)])
  const material: Material = {tls: {ca, cert, key}}
  if (cert !== undefined) {
    const parsed = new X509Certificate(cert)
    const file = tls?.certFile
    if (new Date(parsed.validTo) < now) material.clientCertProblem = `client certificate ${file} expired on ${new Date(parsed.validTo).toISOString().slice(0, 10)}`
    else if (new Date(parsed.validFrom) > now) material.clientCertProblem = `client certificate ${file} is not valid before ${new Date(parsed.validFrom).toISOString().slice(0, 10)}`
  }
  return material
}

/** An opened connection to one endpoint; each request opens its own. */
export interface EndpointLink {
  target: ParsedEndpoint
  evidence: string[]
  request(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<GatewayAnswer>
}

/** url, dns, tcp and tls for one endpoint; throws StageFailure. */
export async function linkEndpoint(endpoint: string, material: Material, deadline: number, timeoutMs: number): Promise<EndpointLink> {
  const target = parseEndpoint(endpoint)
  const evidence: string[] = []
  const address = await resolveAddress(target, deadline, timeoutMs)
  if (address !== target.host) evidence.push(`${target.host} resolves to ${address}`)
  const open = async (record: boolean): Promise<Socket> => {
    const tcp = await openTcp(target, address, deadline, timeoutMs)
    if (!target.secure) return tcp
    if (material.clientCertProblem !== undefined) {
      tcp.destroy()
      throw new StageFailure('tls', material.clientCertProblem, 'Renew the client certificate (--etcd-certfile, FLANNELD_ETCD_CERTFILE).')
    }
    return openTls(target, tcp, material.tls, deadline, timeoutMs, record ? evidence : [])
  }
  const first = await open(true)
  let spare: Socket | undefined = first
  return {
    target,
    evidence,
    async request(method, path, body, headers = {}) {
      const socket = spare ?? (await open(false))
      spare = undefined
      try {
        return await httpOver(socket, target, method, path, body, headers, deadline, timeoutMs)
      } catch (error) {
        throw requestFailure(error)
      }
    },
  }
}

function requestFailure(error: unknown): StageFailure {
  if (error instanceof StageFailure) return error
  const message = (error as Error).message
  if (/certificate required|bad certificate|unknown ca|handshake failure/i.test(message)) {
    return new StageFailure('tls', 'etcd rejected the client certificate (none given, or not signed by a CA etcd trusts)', 'Check --etcd-certfile and --etcd-keyfile (FLANNELD_ETCD_CERTFILE/KEYFILE).')
  }
  if (/socket hang up|ECONNRESET/i.test(message)) return new StageFailure('etcd', 'the connection was closed without an answer (an https endpoint reached with http://?)')
  return new StageFailure('etcd', message)
}

function json(answer: GatewayAnswer): Record<string, any> | undefined {
  try {
    const value: unknown = JSON.parse(answer.body)
    return typeof value === 'object' && value !== null ? (value as Record<string, any>) : undefined
  } catch {
    return undefined
  }
}

/** An etcd token for these credentials, or undefined when etcd has auth off. */
export async function authenticate(link: EndpointLink, auth: ProbeOptions['auth']): Promise<string | undefined> {
  if (auth === undefined) return undefined
  const answer = await link.request('POST', '/v3/auth/authenticate', {name: auth.username, password: auth.password})
  const body = json(answer)
  if (typeof body?.token === 'string') return body.token
  const message = String(body?.error ?? body?.message ?? answer.body).trim()
  if (/not enabled/i.test(message)) return undefined
  if (/authentication failed/i.test(message)) throw new StageFailure('auth', 'authentication failed: invalid user name or password', 'Check --etcd-username and --etcd-password (FLANNELD_ETCD_USERNAME/PASSWORD).')
  throw new StageFailure('auth', `authentication failed: ${message}`)
}

export function gatewayError(answer: GatewayAnswer): StageFailure {
  if (/HTTP request to an HTTPS server/i.test(answer.body)) return new StageFailure('etcd', 'the endpoint speaks TLS: use https:// for it')
  const body = json(answer)
  const message = String(body?.error ?? body?.message ?? '').trim()
  if (message !== '') return new StageFailure('etcd', `etcd answered: ${message}`)
  return new StageFailure('etcd', `not an etcd v3 client port (HTTP ${answer.status} to /v3/maintenance/status)`, 'Check the port: etcd clients use 2379 (peers 2380).')
}

async function probeOne(endpoint: string, options: ProbeOptions, material: Material): Promise<EndpointReport> {
  const deadline = Date.now() + options.timeoutMs
  const report: EndpointReport = {endpoint, ok: false, evidence: []}
  try {
    const link = await linkEndpoint(endpoint, material, deadline, options.timeoutMs)
    report.evidence = link.evidence
    const token = await authenticate(link, options.auth)
    const answer = await link.request('POST', '/v3/maintenance/status', {}, token === undefined ? {} : {authorization: token})
    const status = json(answer)
    if (answer.status !== 200 || status === undefined || status.header === undefined) throw gatewayError(answer)
    report.ok = true
    report.version = String(status.version ?? '')
    report.memberId = String(status.header.member_id ?? '')
    report.raftTerm = String(status.raftTerm ?? status.header.raft_term ?? '')
    const leader = String(status.leader ?? '0')
    if (leader !== '0' && leader !== '') report.leaderId = leader
    report.isLeader = report.leaderId !== undefined && report.leaderId === report.memberId
    report.evidence.push(`etcd ${report.version}, member ${report.memberId}, ${report.leaderId === undefined ? 'no leader' : report.isLeader ? 'the leader' : `leader ${report.leaderId}`}, raft term ${report.raftTerm}`)
  } catch (error) {
    const failure = error instanceof StageFailure ? error : new StageFailure('etcd', (error as Error).message)
    report.failedStage = failure.stage
    report.cause = failure.message
    if (failure.hint !== undefined) report.hint = failure.hint
  }
  return report
}

/** All endpoints in parallel, each bounded by timeoutMs. A TLS file that cannot be read rejects. */
export async function probeEndpoints(options: ProbeOptions): Promise<EndpointReport[]> {
  const material = await loadMaterial(options.tls, new Date())
  return Promise.all(options.endpoints.map((endpoint) => probeOne(endpoint, options, material)))
}

export {loadMaterial as loadProbeMaterial}
