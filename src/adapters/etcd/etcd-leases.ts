// flannel's lease keys in etcd: list (with each etcd lease's time left), create-if-absent in one
// transaction, renew with a fresh etcd lease, reserve (a key with no etcd lease) and delete.
// Keys and values go through the core codec; a malformed key or value becomes a warning.
import type {IKeyValue} from 'etcd3'
import {FlanctlError} from '../../core/errors.js'
import {decodeLease, encodeLeaseAttrs} from '../../core/lease-codec.js'
import type {LeaseList, UnreadableLease} from '../../core/ports.js'
import {leaseKey, parseLeaseKey, subnetsPrefix} from '../../core/subnet-key.js'
import type {Ip4Net, Lease, LeaseAttrs} from '../../core/types.js'
import {perAttempt, type EtcdConnection} from './etcd-connection.js'
import {prefixRangeEnd, readRange} from './etcd-range.js'
import type {KvReader} from './range-wire.js'
import {takeSpareGrant} from './spare-grant.js'

/** how many TimeToLive questions are in flight at once when listing with TTLs */
const TTL_CONCURRENCY = 32

/** A lease from one key/value; `etcdLeaseId` "0" means a reservation. */
export function decodeKv(prefix: string, kv: IKeyValue, ttlSeconds?: number) {
  return decodeLease({key: kv.key.toString('utf8'), value: kv.value.toString('utf8'), prefix, etcdLeaseId: kv.lease, ttlSeconds, createRevision: kv.create_revision})
}

/** One listed key: its lease, or why it could not be read (and, for a good key, what it holds). */
type Listed = {lease: Lease} | {problem: string; unreadable?: UnreadableLease}

/** Decodes each lease straight from the response's bytes (range-wire.ts): no IKeyValue in between. */
function leaseReader(prefix: string): KvReader<Listed> {
  return (buf, f) => {
    const key = buf.toString('utf8', f.keyStart, f.keyEnd)
    const value = buf.toString('utf8', f.valueStart, f.valueEnd)
    const decoded = decodeLease({key, value, prefix, etcdLeaseId: f.lease, createRevision: f.createRevision})
    if (decoded.ok) return {lease: decoded.value}
    // a good key with a bad value still holds its subnet: nobody may be given it
    const parsed = parseLeaseKey(key, prefix)
    return {problem: decoded.error.message, unreadable: parsed.ok ? {key, ...parsed.value, value, problem: decoded.error.message} : undefined}
  }
}

export async function listLeases(connection: EtcdConnection, options: {withTtl?: boolean} = {}): Promise<LeaseList> {
  const under = Buffer.from(subnetsPrefix(connection.prefix))
  const {kvs: listed, revision} = await readRange(connection, `listing the leases under ${under.toString()}`, under, prefixRangeEnd(under), {read: leaseReader(connection.prefix)})
  const leases: Lease[] = []
  const warnings: string[] = []
  const unreadable: UnreadableLease[] = []
  for (const entry of listed) {
    if ('lease' in entry) leases.push(entry.lease)
    else {
      warnings.push(entry.problem)
      if (entry.unreadable !== undefined) unreadable.push(entry.unreadable)
    }
  }
  if (options.withTtl) {
    const ttls = await timesToLive(connection, leases)
    for (const lease of leases) if (lease.etcdLeaseId !== undefined) lease.ttlSeconds = ttls.get(lease.etcdLeaseId)
  }
  return {leases, warnings, unreadable, revision}
}

/** Seconds left of each distinct etcd lease (0 when it expired meanwhile). */
async function timesToLive(connection: EtcdConnection, leases: readonly Lease[]): Promise<Map<string, number>> {
  const ids = [...new Set(leases.flatMap((lease) => (lease.etcdLeaseId === undefined ? [] : [lease.etcdLeaseId])))]
  const ttls = new Map<string, number>()
  let next = 0
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]
      const response = await connection.call(`asking etcd lease ${id} its time to live`, (call) => connection.client.leaseClient.leaseTimeToLive({ID: id}, call))
      ttls.set(id, Math.max(0, Number(response.TTL)))
    }
  }
  await Promise.all(Array.from({length: Math.min(TTL_CONCURRENCY, ids.length)}, worker))
  return ttls
}

async function grantLease(connection: EtcdConnection, ttlSeconds: number, key: string): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new FlanctlError('E_INTERNAL', `invalid lease TTL ${ttlSeconds} for ${key}`)
  const spare = await takeSpareGrant(connection, ttlSeconds)
  if (spare !== undefined) return spare
  const granted = await connection.call(`granting a ${ttlSeconds} s etcd lease for ${key}`, (call) => connection.client.leaseClient.leaseGrant({TTL: ttlSeconds}, call), undefined, {once: true})
  return granted.ID
}

/** Best effort: an etcd lease left unused expires by itself anyway. */
function revokeQuietly(connection: EtcdConnection, id: string): void {
  connection.client.leaseClient.leaseRevoke({ID: id}, perAttempt(connection.requestTimeoutMs)).catch(() => undefined)
}

/** flannel's create: one transaction, put with a fresh etcd lease only if the key does not exist. */
export async function createLease(connection: EtcdConnection, subnet: Ip4Net, attrs: LeaseAttrs, ttlSeconds: number): Promise<{created: true; lease: Lease} | {created: false}> {
  const key = leaseKey(connection.prefix, subnet)
  const id = await grantLease(connection, ttlSeconds, key)
  const keyBytes = Buffer.from(key)
  const response = await connection.call(`creating ${key}`, (call) =>
    connection.client.kv.txn(
      {
        compare: [{key: keyBytes, target: 'Version', result: 'Equal', version: 0}],
        success: [{request_put: {key: keyBytes, value: Buffer.from(encodeLeaseAttrs(attrs)), lease: id}}],
        failure: [],
      },
      call,
    ),
    undefined,
    // sent again after a timeout, a create that was applied would read as lost to another host
    {once: true},
  )
  if (!response.succeeded) {
    revokeQuietly(connection, id)
    return {created: false}
  }
  return {created: true, lease: {key, subnet, attrs, etcdLeaseId: id, ttlSeconds, reservation: false}}
}

/**
 * flannel's renew: the same key and value (attrs) put with a fresh etcd lease. A reservation stays
 * a reservation: when `lease` is one, or when the key became one since `lease` (with its etcd
 * lease id) was read, the value is put without an etcd lease. A lease passed with no etcd lease
 * id and reservation false is made an ordinary lease (that is how a reservation is undone).
 */
export async function renewLease(connection: EtcdConnection, lease: Lease, attrs: LeaseAttrs, ttlSeconds: number): Promise<Lease> {
  const keyBytes = Buffer.from(lease.key)
  const value = Buffer.from(encodeLeaseAttrs(attrs))
  const base = leaseFromKey(connection, lease.key, attrs)
  if (lease.reservation) {
    await connection.call(`renewing the reservation ${lease.key}`, (call) => connection.client.kv.put({key: keyBytes, value}, call))
    return {...base, reservation: true}
  }
  const id = await grantLease(connection, ttlSeconds, lease.key)
  if (lease.etcdLeaseId === undefined) {
    await connection.call(`renewing ${lease.key}`, (call) => connection.client.kv.put({key: keyBytes, value, lease: id}, call))
    return {...base, etcdLeaseId: id, ttlSeconds, reservation: false}
  }
  // If the key exists with no etcd lease now, someone reserved it: keep it that way.
  const response = await connection.call(`renewing ${lease.key}`, (call) =>
    connection.client.kv.txn(
      {
        compare: [
          {key: keyBytes, target: 'Version', result: 'Greater', version: 0},
          {key: keyBytes, target: 'Lease', result: 'Equal', lease: 0},
        ],
        success: [{request_put: {key: keyBytes, value}}],
        failure: [{request_put: {key: keyBytes, value, lease: id}}],
      },
      call,
    ),
    undefined,
    {once: true},
  )
  if (response.succeeded) {
    revokeQuietly(connection, id)
    return {...base, reservation: true}
  }
  return {...base, etcdLeaseId: id, ttlSeconds, reservation: false}
}

/** A key with no etcd lease: it never expires. */
export async function putReservation(connection: EtcdConnection, subnet: Ip4Net, attrs: LeaseAttrs): Promise<Lease> {
  const key = leaseKey(connection.prefix, subnet)
  await connection.call(`reserving ${key}`, (call) => connection.client.kv.put({key: Buffer.from(key), value: Buffer.from(encodeLeaseAttrs(attrs))}, call))
  return {key, subnet, attrs, reservation: true}
}

/** Deletes one lease key (absent is fine). Only keys under <prefix>/subnets/ are accepted. */
export async function deleteLease(connection: EtcdConnection, key: string): Promise<void> {
  const under = subnetsPrefix(connection.prefix)
  if (!key.startsWith(under) || key.length === under.length) {
    throw new FlanctlError('E_USAGE', `refusing to delete ${JSON.stringify(key)}: not a lease key under ${under}`)
  }
  await connection.call(`deleting ${key}`, (call) => connection.client.kv.deleteRange({key: Buffer.from(key)}, call))
}

function leaseFromKey(connection: EtcdConnection, key: string, attrs: LeaseAttrs): Omit<Lease, 'reservation'> {
  const parsed = parseLeaseKey(key, connection.prefix)
  if (!parsed.ok) throw new FlanctlError('E_BAD_DATA', parsed.error.message)
  const lease: Omit<Lease, 'reservation'> = {key, subnet: parsed.value.subnet, attrs}
  if (parsed.value.ipv6Subnet !== undefined) lease.ipv6Subnet = parsed.value.ipv6Subnet
  return lease
}
