// One etcd3 client set up so that a bad endpoint fails fast and loudly instead of hanging:
// - every operation carries a deadline: a read's counts afresh on each endpoint it is tried on,
//   a write's (CallMode.once) is one for the whole call;
// - etcd3's default fault handling (3 retries, then a 5 s circuit breaker per host) is replaced:
//   a failed call is tried once on each other endpoint, and an endpoint that failed is passed
//   over for SKIP_FAILED_ENDPOINT_MS only while another one has not failed;
// - each grpc client gets its own subchannel (a fresh connection after etcd3 resets a failed
//   host) with a short reconnect backoff, and keepalive pings that notice a dead peer.
import type {Etcd3, IOptions} from 'etcd3'
import {configKey} from '../../core/subnet-key.js'
import {noteConnectingSockets} from './connecting-sockets.js'
import {etcd3} from './etcd3.js'
import {etcdFailure} from './etcd-errors.js'
import {MAX_RESPONSE_BYTES} from './etcd-range.js'
import type {ResolvedEtcdOptions} from './etcd-options.js'

export interface CallOptions {
  deadline: Date
}

export interface CallMode {
  /**
   * A write that must not be sent twice (a create, a renewal, a grant): one deadline for the whole
   * call, so that after a timeout (etcd may have applied it) it is not tried again on the next
   * endpoint; the caller lists and decides again. Reads get a fresh deadline on each endpoint.
   */
  once?: boolean
}

/** Call options whose deadline is counted from each attempt (etcd3 and raw-range.ts read it at each one). */
export function perAttempt(timeoutMs: number): CallOptions {
  return {
    get deadline() {
      return new Date(Date.now() + timeoutMs)
    },
  }
}

export interface EtcdConnection {
  readonly client: Etcd3
  readonly endpoints: readonly string[]
  readonly prefix: string
  readonly dialTimeoutMs: number
  readonly requestTimeoutMs: number
  /**
   * Runs one etcd operation with a deadline of timeoutMs (default: the request timeout);
   * any failure becomes E_ETCD_UNREACHABLE (or E_ETCD_ACCESS for TLS, auth and permission) naming the endpoints, the cause and `action`.
   */
  call<T>(action: string, operation: (options: CallOptions) => Promise<T>, timeoutMs?: number, options?: CallMode): Promise<T>
  close(): void
}

type FaultHandling = NonNullable<IOptions['faultHandling']>
type Policy = NonNullable<FaultHandling['global']>

/** How long an endpoint that failed is passed over while another one has not failed. */
export const SKIP_FAILED_ENDPOINT_MS = 30_000

/** A deadline error quicker than this came from a deadline that had run out before the call. */
const SPENT_DEADLINE_MS = 50

/** What a host policy throws to pass its endpoint over: etcd3's pool then tries the next one. */
export class EndpointPassedOver extends Error {}

/**
 * The endpoints' policies (etcd3 asks one per host). A call goes straight through, except to an
 * endpoint that failed in the last SKIP_FAILED_ENDPOINT_MS while another has not: a dropping
 * endpoint then costs its timeout once, not at every call of a command or of the agent. When
 * every endpoint failed lately, every one is tried again.
 */
export function endpointPolicies(endpoints: readonly string[]): (host: string) => Policy {
  // the same endpoint given twice is one endpoint
  const endpointCount = new Set(endpoints).size
  const failedAt = new Map<string, number>()
  const failedLately = (host: string, now: number): boolean => {
    const at = failedAt.get(host)
    if (at !== undefined && now - at >= SKIP_FAILED_ENDPOINT_MS) failedAt.delete(host)
    return failedAt.has(host)
  }
  return (host) =>
    ({
      execute: async <T>(fn: (context: {signal: AbortSignal}) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> => {
        const now = Date.now()
        if (failedLately(host, now) && [...failedAt.keys()].filter((h) => failedLately(h, now)).length < endpointCount) {
          throw new EndpointPassedOver(`${host} failed lately`)
        }
        try {
          const result = await fn({signal: signal ?? new AbortController().signal})
          failedAt.delete(host)
          return result
        } catch (error) {
          // a deadline spent before the call reached this endpoint (a write's retry) says nothing of it
          const spentBefore = error instanceof etcd3.GRPCDeadlineExceededError && Date.now() - now < SPENT_DEADLINE_MS
          if (!spentBefore && typeof error === 'object' && error !== null && etcd3.isRecoverableError(error as Error)) failedAt.set(host, Date.now())
          throw error
        }
      },
    }) as unknown as Policy
}

/** Tries a failed call on the next endpoint (etcd3 hands each retry a different host), once per endpoint. */
function retryOnOtherEndpoints(endpointCount: number): Policy {
  return {
    execute: async <T>(fn: (context: {signal: AbortSignal}) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> => {
      const context = {signal: signal ?? new AbortController().signal}
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(context)
        } catch (error) {
          const recoverable = typeof error === 'object' && error !== null && etcd3.isRecoverableError(error as Error)
          if (!recoverable || attempt >= endpointCount) throw error
        }
      }
    },
  } as unknown as Policy
}

export function etcd3Options(resolved: ResolvedEtcdOptions): IOptions {
  const options: IOptions = {
    hosts: resolved.endpoints,
    dialTimeout: resolved.dialTimeoutMs,
    // a safety net for calls made inside etcd3 without our options
    defaultCallOptions: (context) => (context.isStream ? {} : {deadline: Date.now() + resolved.requestTimeoutMs}),
    faultHandling: {host: endpointPolicies(resolved.endpoints), global: retryOnOtherEndpoints(resolved.endpoints.length)},
    grpcOptions: {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
      // etcd's default --grpc-keepalive-min-time is 5 s: ping less often than that
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5000,
      // a page of leases (etcd-range.ts) is bigger than grpc's default 4 MB only for huge values
      'grpc.max_receive_message_length': MAX_RESPONSE_BYTES,
    },
  }
  if (resolved.secure) silenceIpServernameWarning()
  if (resolved.secure && resolved.tls !== undefined) {
    options.credentials = {
      // grpc takes null as "the system's root certificates"; etcd3's type insists on a Buffer
      rootCertificate: (resolved.tls.rootCertificate ?? null) as Buffer,
      certChain: resolved.tls.certChain,
      privateKey: resolved.tls.privateKey,
    }
  }
  if (resolved.auth !== undefined) {
    options.auth = {...resolved.auth, callOptions: () => ({deadline: Date.now() + resolved.dialTimeoutMs})}
  }
  return options
}

/**
 * Connects and proves the connection with one read of <prefix>/config (which also checks the
 * credentials and the permission to read the prefix), within the dial timeout on each endpoint tried; without
 * proveConnection, grpc connects at the first call.
 */
export async function connectEtcd(resolved: ResolvedEtcdOptions): Promise<EtcdConnection> {
  const sockets = noteConnectingSockets(resolved.endpoints)
  const client = new etcd3.Etcd3(etcd3Options(resolved))
  const close = () => {
    client.close()
    sockets.destroyConnecting()
  }
  const connection: EtcdConnection = {
    client,
    endpoints: resolved.endpoints,
    prefix: resolved.prefix,
    dialTimeoutMs: resolved.dialTimeoutMs,
    requestTimeoutMs: resolved.requestTimeoutMs,
    async call(action, operation, timeoutMs = resolved.requestTimeoutMs, mode = {}) {
      try {
        return await withDeadline(timeoutMs, mode.once ? 1 : resolved.endpoints.length, operation)
      } catch (error) {
        throw etcdFailure(error, {endpoints: resolved.endpoints, action, timeoutMs})
      }
    },
    close,
  }
  if (!resolved.proveConnection) return connection
  const key = configKey(resolved.prefix)
  try {
    await connection.call(`connecting (reading ${key})`, (options) => client.kv.range({key: Buffer.from(key), count_only: true}, options), resolved.dialTimeoutMs)
  } catch (error) {
    close()
    throw error
  }
  return connection
}

/**
 * The deadline goes to grpc, afresh for each endpoint tried: etcd3 (and raw-range.ts) read it at
 * each attempt, so an endpoint that drops packets does not use up the time of the next one. The
 * timer is a backstop for waits grpc's deadline does not cover (etcd3 fetching an auth token
 * before the call), over all the attempts. It never keeps the process alive.
 */
async function withDeadline<T>(timeoutMs: number, attempts: number, operation: (options: CallOptions) => Promise<T>): Promise<T> {
  const limitMs = timeoutMs * attempts
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`deadline exceeded after ${limitMs} ms`)), limitMs + 250)
    timer.unref()
  })
  const running = operation(attempts > 1 ? perAttempt(timeoutMs) : {deadline: new Date(Date.now() + timeoutMs)})
  running.catch(() => undefined) // a late failure after the backstop fired is not unhandled
  try {
    return await Promise.race([running, expired])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * grpc-js sets the TLS server name to the endpoint's host even when it is an IP address, and
 * Node then prints DEP0123 ("Setting the TLS ServerName to an IP address...") on stderr for
 * `https://10.0.0.5:2379`, the usual etcd endpoint. The certificate is still checked against the
 * IP; only that one warning is dropped, every other warning is printed as before.
 */
let warningFiltered = false
function silenceIpServernameWarning(): void {
  if (warningFiltered) return
  warningFiltered = true
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void
  process.emitWarning = ((...args: unknown[]) => {
    const options = args[1]
    const code = typeof options === 'object' && options !== null ? (options as {code?: unknown}).code : args[2]
    if (code === 'DEP0123') return
    emitWarning(...args)
  }) as typeof process.emitWarning
}
