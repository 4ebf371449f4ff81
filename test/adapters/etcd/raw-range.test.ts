// flanctl's own KV.Range codec (range-wire.ts, raw-range.ts) against a real etcd: every answer
// equal to etcd3's own decoding of the same request (keys, values, revisions, versions, lease
// IDs above 2^53, paging, old revisions, keys only), readRange's pages at one revision, and bytes
// that are not a RangeResponse rejected with an Error, never decoded into something.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import fc from 'fast-check'
import {openEtcdStore, type EtcdLeaseStore} from '../../../src/adapters/etcd/index.js'
import type {EtcdConnection} from '../../../src/adapters/etcd/etcd-connection.js'
import {PAGE_SIZE, prefixRangeEnd, readRange} from '../../../src/adapters/etcd/etcd-range.js'
import {rawRange} from '../../../src/adapters/etcd/raw-range.js'
import {decodeRangeResponse, type RangeWireRequest} from '../../../src/adapters/etcd/range-wire.js'
import {startEtcd, type EtcdServer} from '../../helpers/etcd-server.js'

let etcd: EtcdServer
let store: EtcdLeaseStore
let connection: EtcdConnection
let firstRevision: string

const under = Buffer.from('/raw/')
const deadline = () => ({deadline: new Date(Date.now() + 5000)})

before(async () => {
  etcd = await startEtcd()
  store = await openEtcdStore({endpoints: etcd.endpoints, prefix: '/raw'})
  connection = (store as unknown as {connection: EtcdConnection}).connection
  const kv = connection.client
  await kv.put('/raw/a').value('{"PublicIP":"203.0.113.1","PublicIPv6":null}')
  firstRevision = (await kv.kv.range({key: Buffer.from('/raw/a')})).header.revision
  await kv.put('/raw/a').value('{"PublicIP":"203.0.113.2","PublicIPv6":null}') // version 2
  await kv.put('/raw/empty').value('')
  await kv.put('/raw/binary').value(Buffer.from([0, 255, 128, 10, 13]))
  await kv.put('/raw/ünïcode').value('wert ✓')
  const lease = kv.lease(3600, {autoKeepAlive: false})
  await lease.put('/raw/leased').value('x')
  await lease.grant()
  await kv.put('/rax/outside').value('not under /raw/')
})

after(async () => {
  await store?.close()
  await etcd?.destroy()
})

async function both(request: RangeWireRequest) {
  const raw = await rawRange(connection.client, request, deadline())
  const lib = await connection.client.kv.range(
    {key: request.key, range_end: request.rangeEnd, limit: request.limit ?? 0, revision: request.revision ?? 0, keys_only: request.keysOnly ?? false},
    deadline(),
  )
  return {raw, lib}
}

const plain = (kvs: Array<{key: Buffer; value: Buffer; create_revision: string; mod_revision: string; version: string; lease: string}>) =>
  kvs.map((kv) => ({key: kv.key.toString('hex'), value: kv.value.toString('hex'), create: kv.create_revision, mod: kv.mod_revision, version: kv.version, lease: kv.lease}))

test('a prefix: the same keys, values, revisions, versions and lease IDs as etcd3 decodes', async () => {
  const {raw, lib} = await both({key: under, rangeEnd: prefixRangeEnd(under)})
  assert.equal(raw.revision, lib.header.revision)
  assert.equal(raw.more, false)
  assert.deepEqual(plain(raw.kvs), plain(lib.kvs))
  assert.equal(raw.kvs.length, 5)
  const leased = raw.kvs.find((kv) => kv.key.toString() === '/raw/leased')!
  assert.ok(BigInt(leased.lease) > 0n && leased.lease === lib.kvs.find((kv) => kv.key.toString() === '/raw/leased')!.lease)
  assert.equal(raw.kvs.find((kv) => kv.key.toString() === '/raw/a')!.version, '2')
  assert.equal(raw.kvs.find((kv) => kv.key.toString() === '/raw/empty')!.value.length, 0)
})

test('lease IDs beyond 2^53 come through exactly', async () => {
  const id = 0x7fff_ffff_ffff_fff0n // etcd lets the client choose the ID
  await connection.client.leaseClient.leaseGrant({TTL: 3600, ID: id.toString()})
  await connection.client.kv.put({key: Buffer.from('/raw/zbig'), value: Buffer.from('y'), lease: id.toString()})
  const {raw} = await both({key: Buffer.from('/raw/zbig'), rangeEnd: Buffer.alloc(0)})
  assert.equal(raw.kvs[0]?.lease, id.toString())
  await connection.client.kv.deleteRange({key: Buffer.from('/raw/zbig')})
})

test('a limit, an old revision and keys only: as etcd3 decodes them', async () => {
  const limited = await both({key: under, rangeEnd: prefixRangeEnd(under), limit: 2})
  assert.equal(limited.raw.more, true)
  assert.deepEqual(plain(limited.raw.kvs), plain(limited.lib.kvs))
  const old = await both({key: under, rangeEnd: prefixRangeEnd(under), revision: firstRevision})
  assert.deepEqual(plain(old.raw.kvs), plain(old.lib.kvs))
  assert.equal(old.raw.kvs.length, 1)
  assert.equal(old.raw.kvs[0]!.value.toString(), '{"PublicIP":"203.0.113.1","PublicIPv6":null}')
  const keys = await both({key: under, rangeEnd: prefixRangeEnd(under), keysOnly: true})
  assert.deepEqual(plain(keys.raw.kvs), plain(keys.lib.kvs))
  assert.ok(keys.raw.kvs.every((kv) => kv.value.length === 0))
})

test('readRange reads more than a page, in key order, at the revision of the first', async () => {
  const pageUnder = Buffer.from('/page/')
  const count = PAGE_SIZE + 7
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({length: Math.min(500, count - i)}, (_, j) => connection.client.put(`/page/${String(i + j).padStart(5, '0')}`).value(String(i + j))))
  }
  const {kvs, revision} = await readRange(connection, 'reading pages', pageUnder, prefixRangeEnd(pageUnder))
  assert.equal(kvs.length, count)
  assert.deepEqual(kvs.map((kv) => kv.value.toString()), Array.from({length: count}, (_, i) => String(i)))
  assert.equal(revision, (await connection.client.kv.range({key: pageUnder, count_only: true})).header.revision)
})

test('a page bigger than grpc\'s default 4 MB limit is read (the limit is raised for pages of leases)', {timeout: 60_000}, async () => {
  const bigUnder = Buffer.from('/big/')
  const value = 'x'.repeat(1_200_000) // etcd takes requests up to 1.5 MB
  for (let i = 0; i < 4; i++) await connection.client.put(`/big/${i}`).value(value)
  const {kvs} = await readRange(connection, 'reading big values', bigUnder, prefixRangeEnd(bigUnder))
  assert.deepEqual(kvs.map((kv) => kv.value.length), [1_200_000, 1_200_000, 1_200_000, 1_200_000])
  await connection.client.delete().prefix('/big/')
})

test('bytes that are not a RangeResponse throw an Error; any bytes never throw anything else', () => {
  // kvs (field 2) claiming 10 bytes with 2 present; a varint of 11 bytes; wire type 7
  for (const bytes of [[0x12, 0x0a, 0x0a, 0x01], [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x0f], [0x0a]]) {
    assert.throws(() => decodeRangeResponse(Buffer.from(bytes)), Error)
  }
  fc.assert(
    fc.property(fc.uint8Array({maxLength: 64}), (bytes) => {
      try {
        const out = decodeRangeResponse(Buffer.from(bytes))
        assert.ok(Array.isArray(out.kvs) && typeof out.revision === 'string')
      } catch (error) {
        assert.ok(error instanceof Error && /^range response/.test(error.message), String(error))
      }
    }),
    {numRuns: 2000},
  )
})
