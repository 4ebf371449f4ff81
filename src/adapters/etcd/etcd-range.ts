// Reading key ranges in pages at one revision, so that a big lease set (thousands of keys) never
// hits grpc's message size limit and still reads as one consistent snapshot.
import type {IKeyValue} from 'etcd3'
import type {EtcdConnection} from './etcd-connection.js'
import {rawRange} from './raw-range.js'
import {etcd3KeyValue, type KvReader} from './range-wire.js'

// a page of 10,000 leases is about 1.4 MB (grpc's limit is raised to MAX_RESPONSE_BYTES for it,
// etcd-connection.ts): one round trip at start for all but the biggest networks
export const PAGE_SIZE = 10_000

/** The biggest answer taken from etcd: a page of 10,000 keys of up to 6 KB each. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024

/** The range_end that selects every key starting with `prefix`. */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix)
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++
      return end.subarray(0, i + 1)
    }
  }
  return Buffer.from([0]) // every key
}

export interface RangeRead<T = IKeyValue> {
  kvs: T[]
  /** the revision the whole read was made at */
  revision: string
}

/** Every key in [key, rangeEnd), page by page, all pages at the revision of the first; each KeyValue made by `read` (default: etcd3's IKeyValue). */
export function readRange(connection: EtcdConnection, action: string, key: Buffer, rangeEnd: Buffer, options?: {keysOnly?: boolean}): Promise<RangeRead>
export function readRange<T>(connection: EtcdConnection, action: string, key: Buffer, rangeEnd: Buffer, options: {keysOnly?: boolean; read: KvReader<T>}): Promise<RangeRead<T>>
export async function readRange<T>(
  connection: EtcdConnection,
  action: string,
  key: Buffer,
  rangeEnd: Buffer,
  options: {keysOnly?: boolean; read?: KvReader<T>} = {},
): Promise<RangeRead<T | IKeyValue>> {
  const read: KvReader<T | IKeyValue> = options.read ?? etcd3KeyValue
  const kvs: Array<T | IKeyValue> = []
  let start = key
  let revision: string | undefined
  for (;;) {
    const response = await connection.call(action, (call) =>
      rawRange(connection.client, {key: start, rangeEnd, limit: PAGE_SIZE, revision: revision ?? 0, keysOnly: options.keysOnly ?? false}, call, read),
    )
    revision ??= response.revision
    for (const kv of response.kvs) kvs.push(kv)
    if (!response.more || response.lastKey === undefined) return {kvs, revision}
    // the next page starts just after the last key read
    start = Buffer.concat([response.lastKey, Buffer.from([0])])
  }
}
