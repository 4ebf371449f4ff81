// The lease store (etcd) as the engine sees it, as types only: the etcd adapter implements it,
// engine tests use a fake. (The kernel's port is each backend's Dataplane, core/dataplane-state.ts,
// and BackendPlatform, src/backends/platform.ts.)
import type {Ip4Net, Ip6Net, Lease, LeaseAttrs} from './types.js'

/** A key that names a subnet but whose value does not decode: its subnet is taken all the same. */
export interface UnreadableLease {
  key: string
  subnet: Ip4Net
  ipv6Subnet?: Ip6Net
  /** the value as stored */
  value: string
  /** what is wrong with it, naming the key */
  problem: string
}

export interface LeaseList {
  leases: Lease[]
  /** malformed keys or values, each naming the key and what was wrong; never fatal */
  warnings: string[]
  /** the well-formed keys among those warnings (absent: none) */
  unreadable?: UnreadableLease[]
  /** the etcd revision the list was read at; a watch continues from revision + 1 */
  revision: string
}

export interface LeaseWatchSink {
  /** a lease key was created or changed */
  onPut(lease: Lease): void
  /** a lease key was deleted or its etcd lease expired */
  onDelete(key: string): void
  /** a malformed key or value seen by the watch */
  onWarning(message: string): void
  /** after a reconnect or a compaction the store lists again: this is the full set now */
  onResync(list: LeaseList): void
  /** the watch is degraded (etcd unreachable); it keeps retrying with backoff */
  onError(error: Error): void
}

export interface LeaseWatch {
  close(): Promise<void>
}

export interface LeaseStore {
  /** the endpoints and prefix, for messages: "etcd http://127.0.0.1:2379 prefix /coreos.com/network" */
  readonly description: string
  readonly prefix: string
  /** the raw text at <prefix>/config, undefined when the key does not exist */
  getConfig(): Promise<string | undefined>
  putConfig(text: string): Promise<void>
  /** every key under <prefix>/subnets/; withTtl asks etcd for each lease's time left */
  listLeases(options?: {withTtl?: boolean}): Promise<LeaseList>
  /** one transaction: put with a new etcd lease of ttlSeconds if the key does not exist */
  createLease(subnet: Ip4Net, attrs: LeaseAttrs, ttlSeconds: number): Promise<{created: true; lease: Lease} | {created: false}>
  /** optional, a hint: a lease of ttlSeconds will be created or renewed soon (the etcd lease may be granted now) */
  prepareLeaseGrant?(ttlSeconds: number): void
  /** put the value again with a fresh etcd lease; a reservation stays a reservation */
  renewLease(lease: Lease, attrs: LeaseAttrs, ttlSeconds: number): Promise<Lease>
  /** a key with no etcd lease: never expires */
  putReservation(subnet: Ip4Net, attrs: LeaseAttrs): Promise<Lease>
  /** delete-of-absent is success */
  deleteLease(key: string): Promise<void>
  watchLeases(fromRevision: string, sink: LeaseWatchSink): LeaseWatch
  /** keys anywhere in etcd that end in /config and look like a flannel network config */
  findConfigKeys(): Promise<string[]>
  /** optional: <prefix>/config written with etcd's v2 API (v2Key), and prefixes of flannel configs elsewhere */
  configElsewhere?(): Promise<{v2Key?: string; otherPrefixes: string[]}>
  close(): Promise<void>
}
