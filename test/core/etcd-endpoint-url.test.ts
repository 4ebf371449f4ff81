import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {parseEtcdEndpoint} from '../../src/core/etcd-endpoint-url.js'

test('http, https, host:port and IPv6 endpoints', () => {
  assert.deepEqual(parseEtcdEndpoint('http://127.0.0.1:2379'), {ok: true, value: {secure: false, host: '127.0.0.1', port: 2379}})
  assert.deepEqual(parseEtcdEndpoint('https://etcd.example'), {ok: true, value: {secure: true, host: 'etcd.example', port: 443}})
  assert.deepEqual(parseEtcdEndpoint('10.0.0.5:2379'), {ok: true, value: {secure: false, host: '10.0.0.5', port: 2379}})
  assert.deepEqual(parseEtcdEndpoint('http://[::1]:2379'), {ok: true, value: {secure: false, host: '::1', port: 2379}})
})

test('a port out of range is named, not "Invalid URL"', () => {
  assert.deepEqual(parseEtcdEndpoint('http://127.0.0.1:99999'), {ok: false, error: {code: 'E_USAGE', message: 'port 99999 is out of range (1-65535)'}})
  assert.deepEqual(parseEtcdEndpoint('http://127.0.0.1:0'), {ok: false, error: {code: 'E_USAGE', message: 'port 0 is out of range (1-65535)'}})
  assert.equal(parseEtcdEndpoint('unix:///run/etcd.sock').ok, false)
})

test('any text: a result, never a throw', () => {
  fc.assert(fc.property(fc.string(), (text) => {
    const result = parseEtcdEndpoint(text)
    assert.equal(typeof result.ok, 'boolean')
  }))
})
