// `flanctl up` against an etcd that answers but refuses it (a wrong password, no permission, a
// certificate it rejects): exit 5 with the cause named, not a retry loop. An etcd that is down is
// waited for instead (up.test.ts).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {createNetnsSandbox, requireRoot, type NetnsSandbox} from '../helpers/netns.js'
import {assertBuilt, BIN} from './helpers/cli.js'

requireRoot('the up tests against a refusing etcd')

const PREFIX = '/coreos.com/network'
let sb: NetnsSandbox
let host: string
let etcd: EtcdServer
let tlsEtcd: EtcdServer

// a host namespace with an eth0 (203.0.113.1/24) for up to choose, and both etcds on its loopback
before(async () => {
  assertBuilt()
  sb = createNetnsSandbox('ua')
  host = await sb.addNetns('h')
  const peer = await sb.addNetns('p')
  await sb.addVeth({netns: host, name: 'eth0', cidr: '203.0.113.1/24'}, {netns: peer, name: 'eth0', cidr: '203.0.113.2/24'})
  etcd = await startEtcd({netns: host})
  await etcd.etcdctl(['put', `${PREFIX}/config`, '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'])
  await etcd.etcdctl(['user', 'add', 'root:rootpw'])
  await etcd.etcdctl(['user', 'add', 'flannel:flannelpw'])
  await etcd.etcdctl(['auth', 'enable'])
  tlsEtcd = await startEtcd({tls: true, netns: host, name: 'tls', clientPort: 2479, peerPort: 2480})
})
after(async () => {
  await etcd?.destroy()
  await tlsEtcd?.destroy()
  await sb?.destroy()
})

/** up inside the host namespace; it stops before it changes anything */
async function up(endpoint: string, ...extra: string[]): Promise<{code: number; stderr: string}> {
  const result = await sb.exec(host, process.execPath, BIN, 'up', '--etcd-endpoints', endpoint, '--iface', 'eth0', '--subnet-file', '/nonexistent/flanctl-test/subnet.env', ...extra)
  return {code: result.exitCode, stderr: result.stderr}
}

test('a wrong password: exit 5 naming the authentication failure, after one try', {timeout: 30_000}, async () => {
  const result = await up(etcd.endpoint, '--etcd-username', 'flannel', '--etcd-password', 'wrong')
  assert.equal(result.code, 5, result.stderr)
  assert.match(result.stderr, /error \[E_ETCD_ACCESS\] etcd http:\/\/127\.0\.0\.1:\d+: authentication failed: invalid user name or password/)
  assert.match(result.stderr, /hint: Check --etcd-username and --etcd-password/)
  assert.doesNotMatch(result.stderr, /retryIn=/, 'no retries')
})

test('no credentials where auth is on: exit 5, authentication required', {timeout: 30_000}, async () => {
  const result = await up(etcd.endpoint)
  assert.equal(result.code, 5, result.stderr)
  assert.match(result.stderr, /E_ETCD_ACCESS.*authentication required/)
})

test('a TLS etcd without our client certificate: exit 5, the rejected certificate named', {timeout: 30_000}, async () => {
  const result = await up(tlsEtcd.endpoint, '--etcd-cafile', tlsEtcd.tls!.caFile)
  assert.equal(result.code, 5, result.stderr)
  assert.match(result.stderr, /E_ETCD_ACCESS.*TLS handshake failed/)
})
