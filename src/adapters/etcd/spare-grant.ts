// An etcd lease granted ahead of need. The agent asks for one at start, while it reads the config
// and lists the leases: a LeaseGrant is a write (a raft round and an fsync), which the
// acquisition would otherwise wait for between the list and its put. The next grant of the same
// TTL takes the spare within maxAgeMs (its TTL runs from its grant: a few seconds off a day); a
// spare nobody took is revoked then, or when the store closes, rather than left for its TTL.
import {perAttempt, type EtcdConnection} from './etcd-connection.js'

export const SPARE_MAX_AGE_MS = 5000

/** How long close() waits for an untaken spare to be granted and revoked (a store closing on a failure must not wait for an etcd that is away). */
const REVOKE_AT_CLOSE_MS = 1000

interface Spare {
  ttlSeconds: number
  id: Promise<string | undefined>
  expiry: NodeJS.Timeout
}

const spares = new WeakMap<EtcdConnection, Spare>()

function grant(connection: EtcdConnection, ttlSeconds: number): Promise<string | undefined> {
  return connection.client.leaseClient
    .leaseGrant({TTL: ttlSeconds}, perAttempt(connection.requestTimeoutMs))
    .then((granted) => granted.ID)
    .catch(() => undefined) // the acquisition grants its own then
}

function revoke(connection: EtcdConnection, spare: Spare, timeoutMs: number): Promise<void> {
  clearTimeout(spare.expiry)
  return spare.id
    .then((id) => (id === undefined ? undefined : connection.client.leaseClient.leaseRevoke({ID: id}, perAttempt(timeoutMs))))
    .then(
      () => undefined,
      () => undefined, // best effort: an etcd lease left unused expires by itself
    )
}

/** Grants an etcd lease of ttlSeconds now, for the next grantLease of that TTL. */
export function prepareSpareGrant(connection: EtcdConnection, ttlSeconds: number, maxAgeMs = SPARE_MAX_AGE_MS): void {
  if (spares.has(connection)) return
  const spare: Spare = {
    ttlSeconds,
    id: grant(connection, ttlSeconds),
    expiry: setTimeout(() => {
      if (spares.get(connection) !== spare) return
      spares.delete(connection)
      void revoke(connection, spare, connection.requestTimeoutMs)
    }, maxAgeMs).unref(),
  }
  spares.set(connection, spare)
}

/** The spare's lease ID when one of this TTL was granted; undefined otherwise (grant one). */
export async function takeSpareGrant(connection: EtcdConnection, ttlSeconds: number): Promise<string | undefined> {
  const spare = spares.get(connection)
  if (spare === undefined || spare.ttlSeconds !== ttlSeconds) return undefined
  spares.delete(connection)
  clearTimeout(spare.expiry)
  return spare.id
}

/** Revokes an untaken spare (the store is closing). */
export async function dropSpareGrant(connection: EtcdConnection): Promise<void> {
  const spare = spares.get(connection)
  if (spare === undefined) return
  spares.delete(connection)
  let timer: NodeJS.Timeout | undefined
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, REVOKE_AT_CLOSE_MS).unref()))
  await Promise.race([revoke(connection, spare, REVOKE_AT_CLOSE_MS), waited])
  clearTimeout(timer)
}
