// Turns what etcd3/grpc throw into one FlanctlError that names the endpoints, what flanctl was
// doing, and the cause in plain words (refused, timeout, TLS, auth), with a hint naming the flags
// to check. grpc's own messages are kept in parentheses for the details. A cause that waiting
// cannot fix (TLS, authentication, permission: flanctl's own settings are wrong) is
// E_ETCD_ACCESS, so that the agent stops instead of retrying; the rest is E_ETCD_UNREACHABLE.
import {FlanctlError} from '../../core/errors.js'
import {etcd3} from './etcd3.js'

export type EtcdCauseKind = 'refused' | 'lost' | 'timeout' | 'dns' | 'tls' | 'auth' | 'permission' | 'closed' | 'server'

export interface EtcdCause {
  kind: EtcdCauseKind
  /** plain words, e.g. "connection refused" */
  summary: string
  /** the underlying message, trimmed of grpc's noise */
  detail: string
  /** flanctl's own settings are wrong (certificates, user, password, permissions): retrying cannot fix it */
  inSettings?: boolean
}

const HINTS: Record<EtcdCauseKind, string> = {
  refused: 'Is etcd running and listening there? Check --etcd-endpoints (FLANNELD_ETCD_ENDPOINTS).',
  lost: 'etcd stopped, restarted or dropped the connection; check its health (etcdctl endpoint health).',
  timeout: 'Check the address and port in --etcd-endpoints (FLANNELD_ETCD_ENDPOINTS), firewalls, and that it is an etcd v3 client port.',
  dns: 'Check the host names in --etcd-endpoints (FLANNELD_ETCD_ENDPOINTS).',
  tls: 'Check --etcd-cafile, --etcd-certfile and --etcd-keyfile (FLANNELD_ETCD_CAFILE/CERTFILE/KEYFILE) and the http:// or https:// of --etcd-endpoints.',
  auth: 'Check --etcd-username and --etcd-password (FLANNELD_ETCD_USERNAME/PASSWORD).',
  permission: 'The etcd user needs read and write access to the prefix (--etcd-prefix).',
  closed: 'The connection was closed while the request was in flight.',
  server: 'etcd answered with an error: check the health of the cluster (etcdctl endpoint health).',
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/** grpc wraps the socket error: "14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: " */
function tidy(message: string): string {
  return message
    .replace(/^\d+ [A-Z_]+: /, '')
    .replace(/^No connection established\. Last error: /, '')
    .replace(/^Error: /, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/, '')
    .replace(/\.?\s*Resolution note:\s*$/, '')
    .replace(/^[0-9A-F]{8,}:error:[0-9A-F]+:/, '')
    .replace(/:\.\.\/deps\/openssl\S*/, '')
    .replace(/\s+/g, ' ')
    .trim()
}

export function classifyEtcdError(error: unknown, timeoutMs?: number): EtcdCause {
  const raw = messageOf(error)
  const detail = tidy(raw)
  const m = raw.toLowerCase()
  if (error instanceof etcd3.EtcdAuthenticationFailedError || m.includes('authentication failed')) {
    return {kind: 'auth', summary: 'authentication failed: invalid user name or password', detail, inSettings: true}
  }
  if (m.includes('user name is empty')) {
    return {kind: 'auth', summary: 'authentication required: etcd has auth enabled and no user name was given', detail, inSettings: true}
  }
  if (m.includes('invalid auth token') || m.includes('unauthenticated')) {
    return {kind: 'auth', summary: 'authentication failed', detail}
  }
  if (error instanceof etcd3.EtcdPermissionDeniedError || m.includes('permission denied')) {
    return {kind: 'permission', summary: 'permission denied', detail, inSettings: true}
  }
  // etcd itself answered (no leader, request timed out inside the cluster, too many requests...)
  if (m.includes('etcdserver:') || m.includes('mvcc:')) return {kind: 'server', summary: `etcd answered: ${detail}`, detail: ''}
  if (m.includes('econnrefused')) return {kind: 'refused', summary: 'connection refused', detail}
  if (m.includes('enotfound') || m.includes('eai_again')) return {kind: 'dns', summary: 'host name not found', detail}
  if (m.includes('alert bad certificate') || m.includes('alert certificate required') || m.includes('alert unknown ca') || m.includes('alert handshake failure')) {
    return {kind: 'tls', summary: 'TLS handshake failed: etcd rejected the client certificate (none given, or not signed by a CA etcd trusts)', detail, inSettings: true}
  }
  if (m.includes('unable to verify') || m.includes('self-signed') || m.includes('self signed') || m.includes('certificate has expired') ||
      m.includes('altnames') || m.includes('unable to get local issuer') || m.includes('certificate verify failed')) {
    return {kind: 'tls', summary: 'TLS handshake failed: the server certificate is not trusted (check the CA file)', detail, inSettings: true}
  }
  if (m.includes('before secure tls connection was established') || m.includes('wrong version number') || m.includes('packet length too long')) {
    return {kind: 'tls', summary: 'TLS handshake failed: the endpoint does not speak TLS (use http:// for it?)', detail, inSettings: true}
  }
  if (m.includes('ssl') || m.includes('tls') || m.includes('certificate')) {
    return {kind: 'tls', summary: 'TLS handshake failed', detail}
  }
  // grpc over plain TCP to a TLS port: the server drops the connection before HTTP/2 starts
  if (/\bfailed to connect\b/i.test(raw)) {
    return {kind: 'tls', summary: 'the server closed the connection before it was established (an https endpoint reached with http://?)', detail}
  }
  if (m.includes('connection dropped') || m.includes('econnreset') || m.includes('socket hang up') || m.includes('goaway')) {
    return {kind: 'lost', summary: 'the connection to etcd was lost', detail}
  }
  if (error instanceof etcd3.GRPCDeadlineExceededError || m.includes('deadline exceeded') || m.includes('etimedout') || m.includes('timed out')) {
    // grpc's own text ("Deadline exceeded after 0.000s,waiting for name resolution") misleads: left out
    const summary = timeoutMs === undefined ? 'timed out' : `no answer within ${formatMs(timeoutMs)}`
    return {kind: 'timeout', summary, detail: error instanceof etcd3.GRPCDeadlineExceededError || m.includes('deadline exceeded') ? '' : detail}
  }
  if (error instanceof etcd3.ClientClosedError || m.includes('client was already closed') || m.includes('channel has been shut down') || error instanceof etcd3.GRPCCancelledError) {
    return {kind: 'closed', summary: 'the client was closed', detail}
  }
  if (m.includes('ehostunreach') || m.includes('enetunreach')) return {kind: 'refused', summary: 'host unreachable', detail}
  return {kind: 'server', summary: detail, detail: ''}
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/**
 * The FlanctlError for a failed etcd call, e.g.
 * "etcd http://127.0.0.1:2379: connection refused (connect ECONNREFUSED 127.0.0.1:2379) while reading /coreos.com/network/config"
 */
export function etcdFailure(error: unknown, context: {endpoints: readonly string[]; action: string; timeoutMs?: number}): FlanctlError {
  if (error instanceof FlanctlError) return error
  const cause = classifyEtcdError(error, context.timeoutMs)
  const detail = cause.detail !== '' && cause.detail !== cause.summary ? ` (${cause.detail})` : ''
  return new FlanctlError(cause.inSettings === true ? 'E_ETCD_ACCESS' : 'E_ETCD_UNREACHABLE', `etcd ${context.endpoints.join(', ')}: ${cause.summary}${detail} while ${context.action}`, {
    hint: HINTS[cause.kind],
    cause: error,
  })
}
