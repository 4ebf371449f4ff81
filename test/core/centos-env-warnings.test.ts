import {test} from 'node:test'
import assert from 'node:assert/strict'
import {centosEnvWarnings} from '../../src/cli/centos-env-warnings.js'

test('FLANNEL_ETCD_ENDPOINTS / FLANNEL_ETCD_PREFIX set alone: a warning naming both spellings', () => {
  const warnings = centosEnvWarnings(['config', 'get'], {FLANNEL_ETCD_ENDPOINTS: 'http://10.0.0.5:2379', FLANNEL_ETCD_PREFIX: '/atomic.io/network'})
  assert.equal(warnings.length, 2)
  assert.match(warnings[0], /^FLANNEL_ETCD_ENDPOINTS=http:\/\/10\.0\.0\.5:2379 is set, but flanctl reads FLANNELD_ETCD_ENDPOINTS/)
  assert.match(warnings[1], /^FLANNEL_ETCD_PREFIX=\/atomic\.io\/network is set, but flanctl reads FLANNELD_ETCD_PREFIX/)
})

test('no warning when the FLANNELD_ spelling or the flag is given', () => {
  assert.deepEqual(centosEnvWarnings(['--etcd-endpoints', 'http://a:1'], {FLANNEL_ETCD_ENDPOINTS: 'x'}), [])
  assert.deepEqual(centosEnvWarnings([], {FLANNEL_ETCD_ENDPOINTS: ''}), [])
})
