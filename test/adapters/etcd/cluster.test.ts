// A 3-member etcd cluster with one member stopped: the store goes on working through the others,
// and a watch carries on (re-listing if its member was the one stopped).
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {openEtcdStore, type EtcdLeaseStore} from '../../../src/adapters/etcd/index.js'
import type {LeaseWatch} from '../../../src/core/ports.js'
import {startEtcdCluster, type EtcdCluster} from '../../helpers/etcd-server.js'
import {PREFIX, RecordingSink, net, vxlanAttrs} from './fixtures.js'

let cluster: EtcdCluster
let store: EtcdLeaseStore
let watch: LeaseWatch | undefined

before(async () => {
  cluster = await startEtcdCluster(3)
  store = await openEtcdStore({endpoints: cluster.endpoints, prefix: PREFIX})
})

after(async () => {
  await watch?.close()
  await store?.close()
  await cluster?.destroy()
})

test('one member of three stopped: reads, writes and the watch go on', {timeout: 60_000}, async () => {
  const sink = new RecordingSink()
  const list = await store.listLeases()
  watch = store.watchLeases(list.revision, sink)
  assert.ok((await store.createLease(net('10.9.1.0/24'), vxlanAttrs('192.0.2.91'), 600)).created)
  await sink.next('put')

  await cluster.members[0].stop()
  // every call picks its member at random: several rounds, each must get through
  for (let i = 0; i < 10; i++) {
    assert.equal((await store.listLeases({withTtl: true})).leases.length, 1)
  }
  const mark = sink.events.length
  assert.ok((await store.createLease(net('10.9.2.0/24'), vxlanAttrs('192.0.2.92'), 600)).created)
  const seen = await Promise.race([
    sink.next('put', (e) => e.lease.attrs.publicIp === '192.0.2.92', mark),
    sink.next('resync', (e) => e.list.leases.some((l) => l.attrs.publicIp === '192.0.2.92'), mark),
  ])
  assert.ok(seen)

  await cluster.members[0].start()
  assert.match(await cluster.members[0].etcdctl(['get', `${PREFIX}/subnets/10.9.2.0-24`, '--print-value-only']), /192\.0\.2\.92/)
})
