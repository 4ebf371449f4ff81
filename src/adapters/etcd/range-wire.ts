// etcd's KV.Range on the wire, by hand: the request's and the response's protobuf bytes
// (etcdserverpb.RangeRequest / RangeResponse, mvccpb.KeyValue). Listing 5,000 leases through
// etcd3's generic protobufjs decoding (every int64 a Long turned into a string) costs more than
// the rest of the agent's start; this reads only the fields flanctl uses, into etcd3's own shape
// (IKeyValue), with keys and values as views into the response. Malformed bytes throw.
import type {IKeyValue} from 'etcd3'

export interface RangeWireRequest {
  key: Buffer
  rangeEnd: Buffer
  limit?: number
  /** 0 (or absent) means the newest */
  revision?: string | number
  keysOnly?: boolean
}

export interface RangeWireResponse {
  /** header.revision, decimal */
  revision: string
  kvs: IKeyValue[]
  more: boolean
}

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

class Reader {
  pos: number
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start
  }

  done(): boolean {
    return this.pos >= this.end
  }

  private byte(): number {
    if (this.pos >= this.end) throw new Error(`range response truncated at byte ${this.pos}`)
    return this.buf[this.pos++]!
  }

  /** A varint that fits a double exactly (lengths, tags, small counters). */
  smallVarint(): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.byte()
      value += (b & 0x7f) * scale
      if (b < 0x80) return value
      scale *= 128
    }
    throw new Error(`range response has a varint over 56 bits at byte ${this.pos}`)
  }

  /** An int64 varint as etcd3 gives it: a decimal string, exact for every value. */
  int64(): string {
    const start = this.pos
    let value = 0
    let scale = 1
    for (let i = 0; i < 7; i++) {
      const b = this.byte()
      value += (b & 0x7f) * scale
      if (b < 0x80) return String(value)
      scale *= 128
    }
    this.pos = start
    let big = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      const b = this.byte()
      big |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return BigInt.asIntN(64, big).toString()
      shift += 7n
    }
    throw new Error(`range response has a varint over 64 bits at byte ${this.pos}`)
  }

  /** The [start, end) of a length-delimited field's bytes. */
  delimited(): [number, number] {
    const length = this.smallVarint()
    const start = this.pos
    if (start + length > this.end) throw new Error(`range response field of ${length} bytes runs past its end at byte ${start}`)
    this.pos = start + length
    return [start, start + length]
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.int64()
    else if (wireType === LENGTH_DELIMITED) this.delimited()
    else if (wireType === FIXED64) this.advance(8)
    else if (wireType === FIXED32) this.advance(4)
    else throw new Error(`range response has wire type ${wireType} at byte ${this.pos}`)
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new Error(`range response truncated at byte ${this.pos}`)
    this.pos += n
  }
}

function expectType(actual: number, wanted: number, what: string, at: number): void {
  if (actual !== wanted) throw new Error(`range response: ${what} has wire type ${actual}, expected ${wanted} (byte ${at})`)
}

function decodeKeyValue(buf: Buffer, start: number, end: number): IKeyValue {
  const r = new Reader(buf, start, end)
  const empty = buf.subarray(0, 0)
  const kv = {key: empty, value: empty, create_revision: '0', mod_revision: '0', version: '0', lease: '0'}
  while (!r.done()) {
    const at = r.pos
    const t = r.smallVarint()
    const field = Math.floor(t / 8)
    const wireType = t % 8
    if (field === KV.key || field === KV.value) {
      expectType(wireType, LENGTH_DELIMITED, field === KV.key ? 'key' : 'value', at)
      const [s, e] = r.delimited()
      if (field === KV.key) kv.key = buf.subarray(s, e)
      else kv.value = buf.subarray(s, e)
    } else if (field === KV.createRevision || field === KV.modRevision || field === KV.version || field === KV.lease) {
      expectType(wireType, VARINT, 'an int64 field', at)
      const v = r.int64()
      if (field === KV.createRevision) kv.create_revision = v
      else if (field === KV.modRevision) kv.mod_revision = v
      else if (field === KV.version) kv.version = v
      else kv.lease = v
    } else {
      r.skip(wireType)
    }
  }
  return kv as IKeyValue
}

function decodeHeaderRevision(buf: Buffer, start: number, end: number): string {
  const r = new Reader(buf, start, end)
  let revision = '0'
  while (!r.done()) {
    const at = r.pos
    const t = r.smallVarint()
    if (Math.floor(t / 8) === HEADER.revision) {
      expectType(t % 8, VARINT, 'header.revision', at)
      revision = r.int64()
    } else {
      r.skip(t % 8)
    }
  }
  return revision
}

export function decodeRangeResponse(buf: Buffer): RangeWireResponse {
  const r = new Reader(buf, 0, buf.length)
  const out: RangeWireResponse = {revision: '0', kvs: [], more: false}
  while (!r.done()) {
    const at = r.pos
    const t = r.smallVarint()
    const field = Math.floor(t / 8)
    const wireType = t % 8
    if (field === RESPONSE.header) {
      expectType(wireType, LENGTH_DELIMITED, 'header', at)
      out.revision = decodeHeaderRevision(buf, ...r.delimited())
    } else if (field === RESPONSE.kvs) {
      expectType(wireType, LENGTH_DELIMITED, 'kvs', at)
      out.kvs.push(decodeKeyValue(buf, ...r.delimited()))
    } else if (field === RESPONSE.more) {
      expectType(wireType, VARINT, 'more', at)
      out.more = r.int64() !== '0'
    } else {
      r.skip(wireType)
    }
  }
  return out
}
