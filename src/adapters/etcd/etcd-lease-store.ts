// The LeaseStore port on etcd (v3 API, flannel's key layout): the pieces of this folder behind
// one object. Open it with openEtcdStore; close() ends every watch and lets the process exit.
import type {LeaseList, LeaseStore, LeaseWatch, LeaseWatchSink} from '../../core/ports.js'
import type {Ip4Net, Lease, LeaseAttrs} from '../../core/types.js'
import {findConfigKeys, getConfig, putConfig} from './etcd-config.js'
import {connectEtcd, type EtcdConnection} from './etcd-connection.js'
import {explainConnectFailure} from './explain-connect-failure.js'
import {findConfigElsewhere, type ConfigElsewhere} from './gateway-config.js'
import * as leases from './etcd-leases.js'
import {resolveEtcdOptions, type EtcdStoreOptions} from './etcd-options.js'
import {watchLeases} from './etcd-watch.js'
import {dropSpareGrant, prepareSpareGrant} from './spare-grant.js'

export class EtcdLeaseStore implements LeaseStore {
  readonly description: string
  readonly prefix: string
  readonly endpoints: readonly string[]
  private readonly watches = new Set<LeaseWatch>()
  private closed = false

  constructor(private readonly connection: EtcdConnection, private readonly options?: EtcdStoreOptions) {
    this.prefix = connection.prefix
    this.endpoints = connection.endpoints
    this.description = `etcd ${connection.endpoints.join(',')} prefix ${connection.prefix}`
  }

  getConfig(): Promise<string | undefined> {
    return getConfig(this.connection)
  }

  putConfig(text: string): Promise<void> {
    return putConfig(this.connection, text)
  }

  listLeases(options: {withTtl?: boolean} = {}): Promise<LeaseList> {
    return leases.listLeases(this.connection, options)
  }

  createLease(subnet: Ip4Net, attrs: LeaseAttrs, ttlSeconds: number): Promise<{created: true; lease: Lease} | {created: false}> {
    return leases.createLease(this.connection, subnet, attrs, ttlSeconds)
  }

  prepareLeaseGrant(ttlSeconds: number): void {
    prepareSpareGrant(this.connection, ttlSeconds)
  }

  renewLease(lease: Lease, attrs: LeaseAttrs, ttlSeconds: number): Promise<Lease> {
    return leases.renewLease(this.connection, lease, attrs, ttlSeconds)
  }

  putReservation(subnet: Ip4Net, attrs: LeaseAttrs): Promise<Lease> {
    return leases.putReservation(this.connection, subnet, attrs)
  }

  deleteLease(key: string): Promise<void> {
    return leases.deleteLease(this.connection, key)
  }

  watchLeases(fromRevision: string, sink: LeaseWatchSink): LeaseWatch {
    const inner = watchLeases(this.connection, () => this.listLeases(), fromRevision, sink)
    const watch: LeaseWatch = {
      close: async () => {
        this.watches.delete(watch)
        await inner.close()
      },
    }
    this.watches.add(watch)
    return watch
  }

  findConfigKeys(): Promise<string[]> {
    return findConfigKeys(this.connection)
  }

  /** <prefix>/config written with the v2 API, and flannel configs under other prefixes (over the HTTP gateway). */
  configElsewhere(): Promise<ConfigElsewhere> {
    const o = this.options
    return findConfigElsewhere({
      endpoints: [...this.endpoints],
      tls: {caFile: o?.caFile, certFile: o?.certFile, keyFile: o?.keyFile},
      auth: o?.username ? {username: o.username, password: o.password ?? ''} : undefined,
      prefix: this.prefix,
      timeoutMs: this.connection.dialTimeoutMs,
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all([...this.watches].map((w) => w.close()))
    await dropSpareGrant(this.connection)
    this.connection.close()
  }
}

/**
 * Connects to etcd and checks the connection (one read of <prefix>/config) within the dial
 * timeout (default 3 s) on each endpoint tried. Bad options or TLS files: E_USAGE naming the flag and file. Unreachable,
 * TLS or auth failures: E_ETCD_UNREACHABLE, or E_ETCD_ACCESS for TLS, auth and permission, naming the endpoints and the cause.
 */
export async function openEtcdStore(options: EtcdStoreOptions): Promise<EtcdLeaseStore> {
  const resolved = await resolveEtcdOptions(options)
  try {
    return new EtcdLeaseStore(await connectEtcd(resolved), options)
  } catch (error) {
    throw await explainConnectFailure(error, options, resolved.endpoints)
  }
}
