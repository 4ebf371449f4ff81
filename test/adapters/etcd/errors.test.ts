// What grpc and etcd3 throw, as seen against a real etcd (connect.test.ts), classified into the
// causes flanctl names. A table of the messages observed with grpc-js 1.14 / etcd 3.4.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {EtcdAuthenticationFailedError, GRPCDeadlineExceededError, GRPCUnavailableError} from 'etcd3'
import {classifyEtcdError, etcdFailure} from '../../../src/adapters/etcd/index.js'
import {FlanctlError} from '../../../src/core/errors.js'

const cases: Array<[Error, string, RegExp]> = [
  [new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: '), 'refused', /^connection refused$/],
  [new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded after 0.000s,waiting for name resolution'), 'timeout', /^no answer within 3 s$/],
  [new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: 80BC4785EF7F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n (2026-11-22T01:55:18.866Z). Resolution note: '), 'tls', /rejected the client certificate/],
  [new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: Error: unable to verify the first certificate. Resolution note: '), 'tls', /server certificate is not trusted/],
  [new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: Failed to connect (2026-11-22T01:55:19.106Z). Resolution note: '), 'tls', /https endpoint reached with http:\/\//],
  [new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: Error: Client network socket disconnected before secure TLS connection was established. Resolution note: '), 'tls', /does not speak TLS/],
  [new EtcdAuthenticationFailedError('3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password'), 'auth', /invalid user name or password/],
  [new Error('3 INVALID_ARGUMENT: etcdserver: user name is empty'), 'auth', /authentication required/],
  [new Error('7 PERMISSION_DENIED: etcdserver: permission denied'), 'permission', /permission denied/],
  [new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped'), 'lost', /connection to etcd was lost/],
  [new Error('14 UNAVAILABLE: etcdserver: request timed out'), 'server', /etcd answered: etcdserver: request timed out/],
  [new Error('getaddrinfo ENOTFOUND etcd.example'), 'dns', /host name not found/],
]

test('grpc and etcd errors are named by their cause', () => {
  for (const [error, kind, summary] of cases) {
    const cause = classifyEtcdError(error, 3000)
    assert.equal(cause.kind, kind, error.message)
    assert.match(cause.summary, summary, error.message)
  }
})

test('etcdFailure: E_ETCD_UNREACHABLE with endpoints, cause, grpc detail and action; FlanctlErrors pass through', () => {
  const error = etcdFailure(cases[0][0], {endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:2'], action: 'reading /coreos.com/network/config'})
  assert.equal(error.code, 'E_ETCD_UNREACHABLE')
  assert.equal(error.message, 'etcd http://127.0.0.1:1, http://127.0.0.1:2: connection refused (connect ECONNREFUSED 127.0.0.1:1) while reading /coreos.com/network/config')
  assert.match(error.hint ?? '', /--etcd-endpoints \(FLANNELD_ETCD_ENDPOINTS\)/)
  const own = new FlanctlError('E_USAGE', 'x')
  assert.equal(etcdFailure(own, {endpoints: [], action: 'y'}), own)
})
