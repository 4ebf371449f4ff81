// One KV.Range call with flanctl's own protobuf codec (range-wire.ts) on etcd3's connection:
// the same grpc channel, credentials, auth token and endpoint order as every other call, only
// the message (de)serialisation is ours. etcd3 does not export its pool; when its shape is not
// the one expected (another etcd3 version), or the auth token needs refreshing, the call goes
// through etcd3's own kv.range instead, so the answer is always the same.
import type {Etcd3, IKeyValue} from 'etcd3'
import type {CallOptions} from './etcd-connection.js'
import {etcd3} from './etcd3.js'
import {decodeRangeResponse, encodeRangeRequest, etcd3KeyValue, type KvReader, type RangeWireRequest, type RangeWireResponse} from './range-wire.js'

const RANGE_METHOD = '/etcdserverpb.KV/Range'

type UnaryCallback<T> = (error: Error | null, response?: RangeWireResponse<T>) => void

interface GrpcServiceClient {
  makeUnaryRequest<T>(
    method: string,
    serialize: (request: RangeWireRequest) => Buffer,
    deserialize: (bytes: Buffer) => RangeWireResponse<T>,
    request: RangeWireRequest,
    metadata: unknown,
    options: {deadline: Date},
    callback: UnaryCallback<T>,
  ): unknown
}

/** What raw calls need of etcd3's (unexported) connection pool. */
interface Pool {
  withConnection<T>(service: string, fn: (c: {client: GrpcServiceClient; metadata: unknown}) => Promise<T>, hosts?: Iterator<unknown>): Promise<T>
  shuffledHosts(): Iterator<unknown>
  hosts: unknown[]
}

function poolOf(client: Etcd3): Pool | undefined {
  const pool = (client.kv as unknown as {client?: Partial<Pool>}).client
  const usable = typeof pool?.withConnection === 'function' && typeof pool.shuffledHosts === 'function' && Array.isArray(pool.hosts)
  return usable ? (pool as Pool) : undefined
}

function callOnce<T>(pool: Pool, request: RangeWireRequest, reader: KvReader<T>, options: CallOptions, hosts: Iterator<unknown>): Promise<RangeWireResponse<T>> {
  const deserialize = (bytes: Buffer) => decodeRangeResponse(bytes, reader)
  return pool.withConnection(
    'KV',
    ({client, metadata}) =>
      new Promise<RangeWireResponse<T>>((resolve, reject) => {
        client.makeUnaryRequest(RANGE_METHOD, encodeRangeRequest, deserialize, request, metadata, {deadline: options.deadline}, (error, response) => {
          if (error) reject(etcd3.castGrpcError(error))
          else resolve(response!)
        })
      }),
    hosts,
  )
}

/** A KeyValue that etcd3 decoded, through the same reader: its key and value side by side in one buffer. */
function readLibraryKv<T>(kv: IKeyValue, reader: KvReader<T>): T {
  const buf = Buffer.concat([kv.key, kv.value])
  const keyEnd = kv.key.length
  return reader(buf, {keyStart: 0, keyEnd, valueStart: keyEnd, valueEnd: buf.length, createRevision: kv.create_revision, modRevision: kv.mod_revision, version: kv.version, lease: kv.lease})
}

async function libraryRange<T>(client: Etcd3, request: RangeWireRequest, reader: KvReader<T>, options: CallOptions): Promise<RangeWireResponse<T>> {
  const response = await client.kv.range(
    {key: request.key, range_end: request.rangeEnd, limit: request.limit ?? 0, revision: request.revision ?? 0, keys_only: request.keysOnly ?? false},
    options,
  )
  const kvs = response.kvs as IKeyValue[]
  return {revision: response.header.revision, kvs: kvs.map((kv) => readLibraryKv(kv, reader)), more: response.more, lastKey: kvs.at(-1)?.key}
}

/**
 * KV.Range, each KeyValue made by `reader` (default: etcd3's IKeyValue); a failed call is tried
 * once on each other endpoint, as etcd3's calls are here (etcd-connection.ts).
 */
export async function rawRange<T = IKeyValue>(client: Etcd3, request: RangeWireRequest, options: CallOptions, reader: KvReader<T> = etcd3KeyValue as KvReader<never>): Promise<RangeWireResponse<T>> {
  const pool = poolOf(client)
  if (pool === undefined) return libraryRange(client, request, reader, options)
  const hosts = pool.shuffledHosts()
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(pool, request, reader, options, hosts)
    } catch (error) {
      if (error instanceof etcd3.EtcdInvalidAuthTokenError) return libraryRange(client, request, reader, options)
      if (!(error instanceof Error) || !etcd3.isRecoverableError(error) || attempt >= pool.hosts.length) throw error
    }
  }
}
