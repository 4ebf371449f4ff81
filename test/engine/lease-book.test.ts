import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createLeaseBook} from '../../src/engine/lease-book.js'
import {lease, RecordingLogger} from './fakes.js'

const own = lease('198.18.1.0/24', '192.0.2.11')
const peerA = lease('198.18.2.0/24', '192.0.2.12')
const peerB = lease('198.18.3.0/24', '192.0.2.13')
const hostGw = lease('198.18.4.0/24', '192.0.2.14', {backendType: 'host-gw'})
const udp = lease('198.18.5.0/24', '192.0.2.15', {backendType: null})

function book() {
  const log = new RecordingLogger()
  const changes: string[] = []
  const ownDeleted: string[] = []
  const b = createLeaseBook({ownKey: own.key, backendType: 'vxlan', log, onChange: (r) => changes.push(r), onOwnLeaseDeleted: (how) => ownDeleted.push(how)})
  return {b, log, changes, ownDeleted}
}

const keys = (leases: {key: string}[]) => leases.map((l) => l.key)

test('the first list gives the peers: not our own lease, not other backend types', () => {
  const {b, log, changes} = book()
  b.load({leases: [own, peerA, hostGw, udp, peerB], warnings: ['bad key /coreos.com/network/subnets/x'], revision: '10'})
  assert.deepEqual(keys(b.peers()), [peerA.key, peerB.key])
  assert.equal(b.size(), 5)
  assert.equal(b.ownLease()?.key, own.key)
  assert.deepEqual(changes, ['list'])
  assert.equal(log.find('peer added').length, 0, 'no line per lease on the first list')
  assert.deepEqual(log.find('leases listed')[0].fields, {peers: 2, total: 5, revision: '10'})
  assert.equal(log.find('ignoring lease of another backend type').length, 2)
  assert.equal(log.find('skipping malformed lease').length, 1)
})

test('put of a new peer adds it and logs; our own lease is never a peer', () => {
  const {b, log, changes} = book()
  b.load({leases: [own], warnings: [], revision: '1'})
  b.onPut(peerA)
  b.onPut({...own, etcdLeaseId: '99'}) // our own renewal
  assert.deepEqual(keys(b.peers()), [peerA.key])
  assert.deepEqual(changes, ['list', 'put'])
  const added = log.find('peer added')
  assert.equal(added.length, 1)
  assert.deepEqual(added[0].fields, {subnet: '198.18.2.0/24', publicIp: '192.0.2.12', backend: 'vxlan', key: peerA.key})
})

test('a renewal of a peer (same value, new etcd lease) changes nothing; a new VtepMAC does', () => {
  const {b, log, changes} = book()
  b.load({leases: [own, peerA], warnings: [], revision: '1'})
  b.onPut({...peerA, etcdLeaseId: '1234'})
  assert.deepEqual(changes, ['list'])
  b.onPut(lease('198.18.2.0/24', '192.0.2.12', {vtepMac: '0a:00:00:00:00:99'}))
  assert.deepEqual(changes, ['list', 'put'])
  assert.equal(log.find('peer changed').length, 1)
})

test('delete of a peer removes it and logs; delete of an unknown or ignored key is quiet', () => {
  const {b, log, changes} = book()
  b.load({leases: [own, peerA, hostGw], warnings: [], revision: '1'})
  b.onDelete(peerA.key)
  b.onDelete(hostGw.key)
  b.onDelete('/coreos.com/network/subnets/198.18.99.0-24')
  assert.deepEqual(b.peers(), [])
  assert.deepEqual(changes, ['list', 'delete'])
  assert.equal(log.find('peer removed').length, 1)
  assert.equal(log.find('peer removed')[0].fields.subnet, '198.18.2.0/24')
})

test('a lease of another backend type is ignored, once per key in the log', () => {
  const {b, log, changes} = book()
  b.load({leases: [own], warnings: [], revision: '1'})
  b.onPut(hostGw)
  b.onPut({...hostGw, etcdLeaseId: '5'})
  assert.deepEqual(b.peers(), [])
  assert.deepEqual(changes, ['list'])
  assert.equal(log.find('ignoring lease of another backend type').length, 1)
  assert.equal(log.find('ignoring lease of another backend type')[0].fields.backend, 'host-gw')
})

test('a peer switching to another backend type stops being a peer', () => {
  const {b, log} = book()
  b.load({leases: [own, peerA], warnings: [], revision: '1'})
  b.onPut(lease('198.18.2.0/24', '192.0.2.12', {backendType: 'host-gw'}))
  assert.deepEqual(b.peers(), [])
  assert.equal(log.find('peer removed').length, 1)
})

test('deletion of our own lease is reported once, and it is not a peer change', () => {
  const {b, ownDeleted, changes} = book()
  b.load({leases: [own, peerA], warnings: [], revision: '1'})
  b.onDelete(own.key)
  b.onDelete(own.key)
  assert.deepEqual(ownDeleted, ['deleted'])
  assert.deepEqual(changes, ['list'])
})

test('a resync replaces the set: peers gone are removed, new ones added, and our lease missing means stop', () => {
  const {b, log, changes, ownDeleted} = book()
  b.load({leases: [own, peerA], warnings: [], revision: '1'})
  b.onResync({leases: [own, peerB], warnings: [], revision: '50'})
  assert.deepEqual(keys(b.peers()), [peerB.key])
  assert.equal(log.find('peer removed')[0].fields.subnet, '198.18.2.0/24')
  assert.equal(log.find('peer added')[0].fields.subnet, '198.18.3.0/24')
  assert.deepEqual(changes, ['list', 'resync-changed'])
  assert.deepEqual(ownDeleted, [])
  b.onResync({leases: [peerB], warnings: [], revision: '60'})
  assert.deepEqual(ownDeleted, ['missing after resync'])
})

test('watch errors log degraded once, and the next event or resync logs recovered', () => {
  const {b, log} = book()
  b.load({leases: [own], warnings: [], revision: '1'})
  b.onError(new Error('etcd http://127.0.0.1:2379 unreachable'))
  b.onError(new Error('etcd http://127.0.0.1:2379 unreachable'))
  assert.equal(log.find('degraded').length, 1)
  assert.equal(log.find('degraded')[0].fields.loop, 'watch')
  b.onResync({leases: [own], warnings: [], revision: '9'})
  assert.equal(log.find('recovered').length, 1)
})

test('our own lease missing from the first list is reported too', () => {
  const {b, ownDeleted} = book()
  b.load({leases: [peerA], warnings: [], revision: '1'})
  assert.deepEqual(ownDeleted, ['deleted'])
})

test('leases outside the Network, of another length or with an unusable PublicIP are not peers: one warning per key, kept across resyncs', () => {
  const log = new RecordingLogger()
  const changes: string[] = []
  const shape = {network: {ip: 0xc6120000, prefixLen: 16}, subnetLen: 24, ownAddresses: [0xc000020b]}
  const b = createLeaseBook({ownKey: own.key, backendType: 'vxlan', log, onChange: (r) => changes.push(r), onOwnLeaseDeleted: () => {}, shape})
  const garbage = [lease('0.0.0.0/0', '192.0.2.20'), lease('10.0.0.0/8', '192.0.2.21'), lease('198.18.7.0/24', '127.0.0.1'), lease('198.18.8.0/24', '192.0.2.11')]
  const list = {leases: [own, peerA, ...garbage], warnings: [], revision: '1'}
  b.load(list)
  assert.deepEqual(keys(b.peers()), [peerA.key])
  const warned = log.find('skipping lease: not a valid peer, nothing programmed')
  assert.deepEqual(warned.map((r) => r.fields.key), garbage.map((l) => l.key))
  assert.match(String(warned[0].fields.detail), /subnet 0\.0\.0\.0\/0 is not a \/24 inside the Network 198\.18\.0\.0\/16/)
  assert.match(String(warned[3].fields.detail), /PublicIP 192\.0\.2\.11 is this host's own address/)
  b.onResync(list)
  b.onPut({...garbage[0], etcdLeaseId: '2'})
  assert.equal(log.find('skipping lease: not a valid peer, nothing programmed').length, 4, 'once per key')
  b.onPut(lease('198.18.7.0/24', '192.0.2.27'))
  assert.deepEqual(keys(b.peers()), [peerA.key, garbage[2].key], 'fixed by its owner: a peer again')
  assert.equal(changes.at(-1), 'put')
})
