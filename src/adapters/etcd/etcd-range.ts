// Reading key ranges in pages at one revision, so that a big lease set (thousands of keys) never
// hits grpc's message size limit and still reads as one consistent snapshot.
import type {IKeyValue} from 'etcd3'
import type {EtcdConnection} from './etcd-connection.js'
import {rawRange} from './raw-range.js'

// a page of 5,000 leases is about 1 MB, well inside grpc's 4 MB message limit; fewer round trips at start
export const PAGE_SIZE = 5000

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

export interface RangeRead {
  kvs: IKeyValue[]
  /** the revision the whole read was made at */
  revision: string
}

/** Every key in [key, rangeEnd), page by page, all pages at the revision of the first. */
export async function readRange(
  connection: EtcdConnection,
  action: string,
  key: Buffer,
  rangeEnd: Buffer,
  options: {keysOnly?: boolean} = {},
): Promise<RangeRead> {
  const kvs: IKeyValue[] = []
  let start = key
  let revision: string | undefined
  for (;;) {
    const response = await connection.call(action, (call) =>
      rawRange(connection.client, {key: start, rangeEnd, limit: PAGE_SIZE, revision: revision ?? 0, keysOnly: options.keysOnly ?? false}, call),
    )
    revision ??= response.revision
    kvs.push(...response.kvs)
    if (!response.more || response.kvs.length === 0) return {kvs, revision}
    // the next page starts just after the last key read
    start = Buffer.concat([response.kvs[response.kvs.length - 1].key, Buffer.from([0])])
  }
}
