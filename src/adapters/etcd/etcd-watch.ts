// Watching the lease keys. The caller has listed once; the watch starts at the revision after
// that list. When the stream fails (etcd restarted, unreachable) or etcd cancels it because the
// revision was compacted, the leases are listed again (onResync: the full set now) and a new
// watch starts after that list, with a backoff of 100 ms doubling to 5 s between attempts. One
// grpc stream per watch, owned here: etcd3's own watch manager retries on timers of its own that
// would outlive close().
import type {IDuplexStream, IWatchRequest, IWatchResponse} from 'etcd3'
import {afterFailure, backoff, type Backoff} from '../../core/backoff.js'
import {FlanctlError} from '../../core/errors.js'
import type {LeaseList, LeaseWatch, LeaseWatchSink} from '../../core/ports.js'
import {subnetsPrefix} from '../../core/subnet-key.js'
import type {EtcdConnection} from './etcd-connection.js'
import {etcdFailure} from './etcd-errors.js'
import {decodeKv} from './etcd-leases.js'
import {prefixRangeEnd} from './etcd-range.js'

/** a stream that stayed up this long counts as healthy: the next failure backs off from the start */
const HEALTHY_AFTER_MS = 1000

type StreamEnd = {kind: 'closed'} | {kind: 'compacted'; compactRevision: string} | {kind: 'failed'; error: unknown}

export function watchLeases(connection: EtcdConnection, list: () => Promise<LeaseList>, fromRevision: string, sink: LeaseWatchSink): LeaseWatch {
  return new LeaseWatcher(connection, list, sink, fromRevision)
}

class LeaseWatcher implements LeaseWatch {
  private closed = false
  /** ends the current wait: the backoff sleep or the open stream */
  private interrupt?: () => void
  private readonly under: Buffer

  constructor(
    private readonly connection: EtcdConnection,
    private readonly list: () => Promise<LeaseList>,
    private readonly sink: LeaseWatchSink,
    fromRevision: string,
  ) {
    this.under = Buffer.from(subnetsPrefix(connection.prefix))
    void this.run(fromRevision)
  }

  async close(): Promise<void> {
    this.closed = true
    this.interrupt?.()
  }

  private async run(fromRevision: string): Promise<void> {
    let revision = /^\d+$/.test(fromRevision) ? fromRevision : undefined
    let delay: Backoff = backoff()
    while (!this.closed) {
      let upSince: number | undefined
      try {
        if (revision === undefined) {
          const listed = await this.list()
          if (this.closed) return
          revision = listed.revision
          this.deliver(() => this.sink.onResync(listed))
        }
        const end = await this.watchOnce(revision, () => { upSince = Date.now() })
        if (end.kind === 'closed') return
        if (end.kind === 'failed') this.deliver(() => this.sink.onError(this.failure(end.error)))
      } catch (error) {
        if (this.closed) return
        this.deliver(() => this.sink.onError(this.failure(error)))
      }
      revision = undefined // whatever happened, list again before watching again
      if (upSince !== undefined && Date.now() - upSince >= HEALTHY_AFTER_MS) delay = backoff()
      delay = afterFailure(delay)
      await this.sleep(delay.delayMs)
    }
  }

  /** One stream from revision + 1 until it fails, is cancelled by etcd, or the watch is closed. */
  private async watchOnce(revision: string, onCreated: () => void): Promise<StreamEnd> {
    const stream = await this.connection.client.watchClient.watch()
    return new Promise<StreamEnd>((resolve) => {
      let done = false
      const finish = (end: StreamEnd) => {
        if (done) return
        done = true
        clearTimeout(createTimer)
        this.interrupt = undefined
        endStream(stream)
        resolve(end)
      }
      // etcd answers a create request at once; silence means the connection is not usable
      const createTimer = setTimeout(() => finish({kind: 'failed', error: new Error(`deadline exceeded: no answer to the watch request within ${this.connection.dialTimeoutMs} ms`)}), this.connection.dialTimeoutMs)
      this.interrupt = () => finish({kind: 'closed'})
      if (this.closed) return finish({kind: 'closed'})
      stream.on('data', (response: IWatchResponse) => {
        if (done) return
        if (response.canceled) {
          if (response.compact_revision !== undefined && response.compact_revision !== '0') finish({kind: 'compacted', compactRevision: response.compact_revision})
          else finish({kind: 'failed', error: new Error(`etcd cancelled the watch: ${response.cancel_reason || 'no reason given'}`)})
          return
        }
        if (response.created) {
          clearTimeout(createTimer)
          onCreated()
        }
        for (const event of response.events ?? []) this.dispatch(event)
      })
      stream.on('error', (error: Error) => finish({kind: 'failed', error}))
      stream.on('end', () => finish({kind: 'failed', error: new Error('etcd ended the watch stream')}))
      const request: IWatchRequest = {
        create_request: {key: this.under, range_end: prefixRangeEnd(this.under), start_revision: (BigInt(revision) + 1n).toString()},
      }
      stream.write(request)
    })
  }

  private dispatch(event: IWatchResponse['events'][number]): void {
    const key = event.kv.key.toString('utf8')
    if (String(event.type).toLowerCase() === 'delete') {
      this.deliver(() => this.sink.onDelete(key))
      return
    }
    const decoded = decodeKv(this.connection.prefix, event.kv)
    if (decoded.ok) this.deliver(() => this.sink.onPut(decoded.value))
    else this.deliver(() => this.sink.onWarning(decoded.error.message))
  }

  /** A throwing sink must not kill the watch; it is told through onError. */
  private deliver(call: () => void): void {
    if (this.closed) return
    try {
      call()
    } catch (error) {
      try {
        this.sink.onError(new FlanctlError('E_INTERNAL', `lease watch handler failed: ${(error as Error).message}`, {cause: error}))
      } catch {
        // nothing left to tell
      }
    }
  }

  private failure(error: unknown): Error {
    return etcdFailure(error, {endpoints: this.connection.endpoints, action: `watching ${this.under.toString()}`, timeoutMs: this.connection.dialTimeoutMs})
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve()
      const timer = setTimeout(() => {
        this.interrupt = undefined
        resolve()
      }, ms)
      this.interrupt = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}

/**
 * Ending our side first keeps etcd3 from counting the cancellation as a failure of the host
 * (it resets every client of a host whose stream errors while still writable).
 */
function endStream(stream: IDuplexStream<IWatchRequest, IWatchResponse>): void {
  try {
    stream.end()
    stream.cancel()
  } catch {
    // already gone
  }
}
