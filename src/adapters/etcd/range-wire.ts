// etcd's KV.Range on the wire, by hand: the request's and the response's protobuf bytes
// (etcdserverpb.RangeRequest / RangeResponse, mvccpb.KeyValue). Listing 5,000 leases through
// etcd3's generic protobufjs decoding (every int64 a Long turned into a string) costs more than
// the rest of the agent's start; this reads only the fields flanctl uses. Each KeyValue goes
// to a reader, which makes of it what its caller keeps: etcd3's own shape (IKeyValue, keys and
// values as views into the response) by default, or a decoded lease, so that 5,000 leases are
// not also 5,000 intermediate objects for the collector. Malformed bytes throw.
import type {IKeyValue} from 'etcd3'

export interface RangeWireRequest {
  key: Buffer
  rangeEnd: Buffer
  limit?: number
  /** 0 (or absent) means the newest */
  revision?: string | number
  keysOnly?: boolean
}

export interface RangeWireResponse<T = IKeyValue> {
  /** header.revision, decimal */
  revision: string
  kvs: T[]
  more: boolean
  /** the last KeyValue's key (where the next page starts) */
  lastKey?: Buffer
}

/** Where one KeyValue's fields are in the response; one object for all of them: read it, do not keep it. */
export interface KvFields {
  keyStart: number
  keyEnd: number
  valueStart: number
  valueEnd: number
  createRevision: string
  modRevision: string
  version: string
  lease: string
}

/** Makes what the caller keeps of one KeyValue, from the response's bytes. */
export type KvReader<T> = (buf: Buffer, fields: KvFields) => T

/** etcd3's IKeyValue, keys and values as views into the response. */
export const etcd3KeyValue: KvReader<IKeyValue> = (buf, f) =>
  ({key: buf.subarray(f.keyStart, f.keyEnd), value: buf.subarray(f.valueStart, f.valueEnd), create_revision: f.createRevision, mod_revision: f.modRevision, version: f.version, lease: f.lease}) as IKeyValue

// field numbers from etcd's rpc.proto and kv.proto
const REQUEST = {key: 1, rangeEnd: 2, limit: 3, revision: 4, keysOnly: 8} as const
const RESPONSE = {header: 1, kvs: 2, more: 3} as const
const HEADER = {revision: 3} as const
const KV = {key: 1, createRevision: 2, modRevision: 3, version: 4, value: 5, lease: 6} as const

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

function varintBytes(value: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asUintN(64, value)
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}

function tag(field: number, wireType: number): number[] {
  return varintBytes(BigInt((field << 3) | wireType))
}

export function encodeRangeRequest(request: RangeWireRequest): Buffer {
  const parts: Array<number[] | Buffer> = []
  const bytes = (field: number, value: Buffer) => {
    if (value.length === 0) return
    parts.push(tag(field, LENGTH_DELIMITED), varintBytes(BigInt(value.length)), value)
  }
  const int = (field: number, value: bigint) => {
    if (value !== 0n) parts.push(tag(field, VARINT), varintBytes(value))
  }
  bytes(REQUEST.key, request.key)
  bytes(REQUEST.rangeEnd, request.rangeEnd)
  int(REQUEST.limit, BigInt(request.limit ?? 0))
  int(REQUEST.revision, BigInt(request.revision ?? 0))
  if (request.keysOnly) parts.push(tag(REQUEST.keysOnly, VARINT), [1])
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))))
}

// Decoding is synchronous: one cursor serves every call. Plain functions over (buf, end) and
// comparisons of whole tags keep the loop over 5,000 key/values cheap before the JIT warms up.
let pos = 0

function truncated(): never {
  throw new Error(`range response truncated at byte ${pos}`)
}

/** A varint of up to 7 bytes (49 bits, exact in a double); -1 (cursor unmoved) when longer. */
function varint49(buf: Buffer, end: number): number {
  const start = pos
  let value = 0
  let scale = 1
  for (let i = 0; i < 7; i++) {
    if (pos >= end) truncated()
    const b = buf[pos++]!
    value += (b & 0x7f) * scale
    if (b < 0x80) return value
    scale *= 128
  }
  pos = start
  return -1
}

/** A length, tag or small counter. */
function smallVarint(buf: Buffer, end: number): number {
  const value = varint49(buf, end)
  if (value < 0) throw new Error(`range response has a varint over 49 bits at byte ${pos}`)
  return value
}

/** An int64 varint as etcd3 gives it: a decimal string, exact for every value. */
function int64(buf: Buffer, end: number): string {
  const small = varint49(buf, end)
  if (small >= 0) return String(small)
  let big = 0n
  let shift = 0n
  for (let i = 0; i < 10; i++) {
    if (pos >= end) truncated()
    const b = buf[pos++]!
    big |= BigInt(b & 0x7f) << shift
    if (b < 0x80) return BigInt.asIntN(64, big).toString()
    shift += 7n
  }
  throw new Error(`range response has a varint over 64 bits at byte ${pos}`)
}

/** A length-delimited field: its end; the cursor is at its first byte. */
function delimitedEnd(buf: Buffer, end: number): number {
  const length = smallVarint(buf, end)
  if (pos + length > end) throw new Error(`range response field of ${length} bytes runs past its end at byte ${pos}`)
  return pos + length
}


/** Field names by number, for the message of a wrong wire type. */
const namesOf = (fields: Record<string, number>): Map<number, string> => new Map(Object.entries(fields).map(([name, number]) => [number, name]))
const KV_NAMES = namesOf(KV)
const HEADER_NAMES = namesOf(HEADER)
const RESPONSE_NAMES = namesOf(RESPONSE)

/** Skips a field this decoder does not read; a field it reads, with the wrong wire type, is an error. */
function skip(tag: number, buf: Buffer, end: number, at: number, names: ReadonlyMap<number, string>): void {
  const wireType = tag % 8
  const known = names.get(Math.floor(tag / 8))
  if (known !== undefined) throw new Error(`range response: ${known} has wire type ${wireType} (byte ${at})`)
  if (wireType === VARINT) int64(buf, end)
  else if (wireType === LENGTH_DELIMITED) pos = delimitedEnd(buf, end)
  else if (wireType === FIXED64 || wireType === FIXED32) {
    const n = wireType === FIXED64 ? 8 : 4
    if (pos + n > end) truncated()
    pos += n
  } else throw new Error(`range response has wire type ${wireType} at byte ${at}`)
}

const tagOf = (field: number, wireType: number): number => field * 8 + wireType
const KV_KEY = tagOf(KV.key, LENGTH_DELIMITED)
const KV_VALUE = tagOf(KV.value, LENGTH_DELIMITED)
const KV_CREATE = tagOf(KV.createRevision, VARINT)
const KV_MOD = tagOf(KV.modRevision, VARINT)
const KV_VERSION = tagOf(KV.version, VARINT)
const KV_LEASE = tagOf(KV.lease, VARINT)
const HEADER_REVISION = tagOf(HEADER.revision, VARINT)
const RESPONSE_HEADER = tagOf(RESPONSE.header, LENGTH_DELIMITED)
const RESPONSE_KVS = tagOf(RESPONSE.kvs, LENGTH_DELIMITED)
const RESPONSE_MORE = tagOf(RESPONSE.more, VARINT)

const fields: KvFields = {keyStart: 0, keyEnd: 0, valueStart: 0, valueEnd: 0, createRevision: '0', modRevision: '0', version: '0', lease: '0'}

/** The KeyValue in [pos, end) into `fields`. */
function decodeKeyValue(buf: Buffer, end: number): void {
  fields.keyStart = fields.keyEnd = fields.valueStart = fields.valueEnd = pos
  fields.createRevision = fields.modRevision = fields.version = fields.lease = '0'
  while (pos < end) {
    const at = pos
    const tag = smallVarint(buf, end)
    if (tag === KV_KEY || tag === KV_VALUE) {
      const fieldEnd = delimitedEnd(buf, end)
      if (tag === KV_KEY) (fields.keyStart = pos), (fields.keyEnd = fieldEnd)
      else (fields.valueStart = pos), (fields.valueEnd = fieldEnd)
      pos = fieldEnd
    } else if (tag === KV_CREATE) fields.createRevision = int64(buf, end)
    else if (tag === KV_MOD) fields.modRevision = int64(buf, end)
    else if (tag === KV_VERSION) fields.version = int64(buf, end)
    else if (tag === KV_LEASE) fields.lease = int64(buf, end)
    else skip(tag, buf, end, at, KV_NAMES)
  }
}

function decodeHeaderRevision(buf: Buffer, end: number): string {
  let revision = '0'
  while (pos < end) {
    const at = pos
    const tag = smallVarint(buf, end)
    if (tag === HEADER_REVISION) revision = int64(buf, end)
    else skip(tag, buf, end, at, HEADER_NAMES)
  }
  return revision
}

export function decodeRangeResponse(buf: Buffer): RangeWireResponse
export function decodeRangeResponse<T>(buf: Buffer, read: KvReader<T>): RangeWireResponse<T>
export function decodeRangeResponse<T>(buf: Buffer, read?: KvReader<T>): RangeWireResponse<T | IKeyValue> {
  const reader: KvReader<T | IKeyValue> = read ?? etcd3KeyValue
  pos = 0
  const end = buf.length
  const out: RangeWireResponse<T | IKeyValue> = {revision: '0', kvs: [], more: false}
  let lastKey: [number, number] | undefined
  while (pos < end) {
    const at = pos
    const tag = smallVarint(buf, end)
    if (tag === RESPONSE_HEADER) out.revision = decodeHeaderRevision(buf, delimitedEnd(buf, end))
    else if (tag === RESPONSE_KVS) {
      const kvEnd = delimitedEnd(buf, end)
      decodeKeyValue(buf, kvEnd)
      lastKey = [fields.keyStart, fields.keyEnd]
      out.kvs.push(reader(buf, fields))
    } else if (tag === RESPONSE_MORE) out.more = int64(buf, end) !== '0'
    else skip(tag, buf, end, at, RESPONSE_NAMES)
  }
  if (lastKey !== undefined) out.lastKey = buf.subarray(lastKey[0], lastKey[1])
  return out
}
