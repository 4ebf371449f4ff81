// The bundled etcd3 (in dist/chunks, scripts/build.js) does not parse rpc.proto at import time: it builds its
// grpc package definition from a descriptor made at build time (scripts/vendor/). Here that
// definition is checked against the one etcd3 itself makes with proto-loader's loadSync: the same
// services, methods, paths and names, and the same bytes and objects for messages using every
// kind of field the agent relies on (bytes, int64 past 2^53, enums, oneofs, repeated, nested).
import assert from 'node:assert/strict'
import {createRequire} from 'node:module'
import {test} from 'node:test'

interface MethodDefinition {
  path: string
  requestStream: boolean
  responseStream: boolean
  originalName: string
  options: object
  requestSerialize(value: object): Buffer
  requestDeserialize(bytes: Buffer): object
  responseSerialize(value: object): Buffer
  responseDeserialize(bytes: Buffer): object
}
type Service = Record<string, MethodDefinition>
/** services, and (from loadSync only) message and enum types, which carry a `format` */
type Definition = Record<string, Service | {format: string}>

interface DescriptorModule {
  LOAD_OPTIONS: object
  etcd3Descriptor(): object
  etcd3Protobuf(): {Root: unknown}
  loadSyncDefinition(): Definition
}

const scripts = new URL('../../../scripts/vendor/', import.meta.url)
const descriptor = (await import(new URL('etcd3-descriptor.js', scripts).href)) as DescriptorModule
const {grpcDefinition} = createRequire(import.meta.url)(new URL('grpc-definition.cjs', scripts).pathname) as {
  grpcDefinition(protobuf: unknown, descriptor: object, options: object): Definition
}

const expected = descriptor.loadSyncDefinition()
// a JSON round trip, as the descriptor goes through the bundle's source text
const built = grpcDefinition(descriptor.etcd3Protobuf(), JSON.parse(JSON.stringify(descriptor.etcd3Descriptor())) as object, descriptor.LOAD_OPTIONS)

const BIG = '7587873212345678901' // an etcd lease ID: more than 2^53
const kv = {key: Buffer.from('/coreos.com/network/subnets/198.18.5.0-24'), create_revision: '5', mod_revision: '9', version: '2', value: Buffer.from('{"PublicIP":"192.0.2.1"}'), lease: BIG}
const header = {cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: '9007199254740993', raft_term: '2'}

// [service, method, request, response]
const samples: Array<[string, string, object, object]> = [
  ['etcdserverpb.KV', 'Range', {key: kv.key, range_end: Buffer.from('/coreos.com/network/subnets0'), limit: '0', revision: '12', sort_order: 'ASCEND', sort_target: 'MOD', count_only: true}, {header, kvs: [kv, {...kv, lease: '0'}], more: true, count: '2'}],
  ['etcdserverpb.KV', 'Put', {key: kv.key, value: kv.value, lease: BIG, prev_kv: true}, {header, prev_kv: kv}],
  ['etcdserverpb.KV', 'DeleteRange', {key: kv.key}, {header, deleted: '1', prev_kvs: [kv]}],
  [
    'etcdserverpb.KV',
    'Txn',
    {
      compare: [{result: 'EQUAL', target: 'CREATE', key: kv.key, create_revision: '0'}, {result: 'NOT_EQUAL', target: 'VALUE', key: kv.key, value: kv.value}, {target: 'LEASE', key: kv.key, lease: BIG}],
      success: [{request_put: {key: kv.key, value: kv.value, lease: BIG}}],
      failure: [{request_range: {key: kv.key}}, {request_delete_range: {key: kv.key}}],
    },
    {header, succeeded: false, responses: [{response_range: {header, kvs: [kv], count: '1'}}, {response_put: {header}}]},
  ],
  [
    'etcdserverpb.Watch',
    'Watch',
    {create_request: {key: kv.key, range_end: Buffer.from([0x30]), start_revision: '13', progress_notify: true, filters: ['NOPUT', 'NODELETE'], prev_kv: true, watch_id: '3'}},
    {header, watch_id: '3', created: true, compact_revision: '4', events: [{type: 'DELETE', kv, prev_kv: kv}, {type: 'PUT', kv}]},
  ],
  ['etcdserverpb.Watch', 'Watch', {cancel_request: {watch_id: '3'}}, {header, canceled: true, cancel_reason: 'compacted'}],
  ['etcdserverpb.Lease', 'LeaseGrant', {TTL: '86400', ID: '0'}, {header, ID: BIG, TTL: '86400', error: ''}],
  ['etcdserverpb.Lease', 'LeaseRevoke', {ID: BIG}, {header}],
  ['etcdserverpb.Lease', 'LeaseKeepAlive', {ID: BIG}, {header, ID: BIG, TTL: '30'}],
  ['etcdserverpb.Lease', 'LeaseTimeToLive', {ID: BIG, keys: true}, {header, ID: BIG, TTL: '-1', grantedTTL: '86400', keys: [kv.key]}],
  ['etcdserverpb.Auth', 'Authenticate', {name: 'flannel', password: 'secret'}, {header, token: 'abc.def'}],
  ['etcdserverpb.Maintenance', 'Status', {}, {header, version: '3.4.30', dbSize: '20480', leader: header.member_id, raftIndex: '77', raftTerm: '2'}],
]

const services = (definition: Definition) => Object.keys(definition).filter((name) => !('format' in definition[name]!))
const service = (definition: Definition, name: string) => definition[name] as Service

test('the prebuilt definition has every service and method of loadSync, with the same paths and names', () => {
  assert.deepEqual(Object.keys(built).sort(), services(expected).sort())
  for (const name of services(expected)) {
    assert.deepEqual(Object.keys(service(built, name)), Object.keys(service(expected, name)), name)
    for (const [method, want] of Object.entries(service(expected, name))) {
      const got = service(built, name)[method]!
      const fields = (m: MethodDefinition) => ({path: m.path, requestStream: m.requestStream, responseStream: m.responseStream, originalName: m.originalName, options: m.options})
      assert.deepEqual(fields(got), fields(want), `${name}.${method}`)
    }
  }
})

test('requests and responses encode to the same bytes and decode to the same objects', () => {
  for (const [name, method, request, response] of samples) {
    const want = service(expected, name)[method]!
    const got = service(built, name)[method]!
    const what = `${name}.${method}`
    const requestBytes = want.requestSerialize(request)
    assert.deepEqual(got.requestSerialize(request), requestBytes, `${what} request`)
    assert.deepEqual(got.requestDeserialize(requestBytes), want.requestDeserialize(requestBytes), `${what} request`)
    const responseBytes = want.responseSerialize(response)
    assert.deepEqual(got.responseSerialize(response), responseBytes, `${what} response`)
    const decoded = got.responseDeserialize(responseBytes)
    assert.deepEqual(decoded, want.responseDeserialize(responseBytes), `${what} response`)
    // and nothing lost on the way: int64 as exact decimal strings
    if ('ID' in response) assert.equal((decoded as {ID: string}).ID, (response as {ID: string}).ID, what)
  }
})

test('every method encodes an empty request and decodes an empty response alike', () => {
  for (const name of services(expected)) {
    for (const [method, want] of Object.entries(service(expected, name))) {
      const got = service(built, name)[method]!
      assert.deepEqual(got.requestSerialize({}), want.requestSerialize({}), `${name}.${method}`)
      assert.deepEqual(got.responseDeserialize(Buffer.alloc(0)), want.responseDeserialize(Buffer.alloc(0)), `${name}.${method}`)
    }
  }
})

test('no types are made at import; a service makes its own at its first message, once, and only the ones it uses', () => {
  const protobuf = descriptor.etcd3Protobuf() as {Root: {fromJSON(json: object): unknown}}
  const made: object[] = []
  const counting = {...protobuf, Root: {fromJSON: (json: object) => (made.push(json), protobuf.Root.fromJSON(json))}}
  const lazy = grpcDefinition(counting, JSON.parse(JSON.stringify(descriptor.etcd3Descriptor())) as object, descriptor.LOAD_OPTIONS)
  assert.equal(made.length, 0, 'nothing made before a message')
  const kvService = service(lazy, 'etcdserverpb.KV')
  kvService.Range!.requestSerialize({key: kv.key})
  kvService.Txn!.responseDeserialize(Buffer.alloc(0))
  assert.equal(made.length, 1, 'one set of types for the KV service')
  const packages = (json: object) => Object.keys((json as {nested: Record<string, unknown>}).nested).sort()
  assert.deepEqual(packages(made[0]!), ['etcdserverpb', 'mvccpb'], 'KV needs no authpb types')
  const types = Object.keys((made[0] as {nested: {etcdserverpb: {nested: Record<string, unknown>}}}).nested.etcdserverpb.nested)
  assert.ok(types.includes('RangeRequest') && types.includes('TxnResponse'), 'its own messages are there')
  assert.ok(!types.includes('AuthenticateRequest') && !types.includes('LeaseGrantRequest'), 'other services\' messages are not')
  service(lazy, 'etcdserverpb.Lease').LeaseGrant!.requestSerialize({TTL: '5'})
  assert.equal(made.length, 2, 'the Lease service makes its own')
})
