// Watching the lease keys against a real etcd: put and delete events, malformed data as
// warnings, a re-list after etcd is stopped and started again, and after a compaction.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {openEtcdStore, type EtcdLeaseStore} from '../../../src/adapters/etcd/index.js'
import type {LeaseWatch} from '../../../src/core/ports.js'
import {startEtcd, type EtcdServer} from '../../helpers/etcd-server.js'
import {PREFIX, RecordingSink, flannelValue, net, sleep, vxlanAttrs} from './fixtures.js'

let etcd: EtcdServer
let store: EtcdLeaseStore
const watches: LeaseWatch[] = []

before(async () => {
  etcd = await startEtcd()
  store = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX})
})

after(async () => {
  for (const w of watches) await w.close()
  await store?.close()
  await etcd?.destroy()
})

async function watchFromNow(): Promise<RecordingSink> {
  const sink = new RecordingSink()
  const list = await store.listLeases()
  watches.push(store.watchLeases(list.revision, sink))
  return sink
}

test('put and delete events; keys outside the subnets prefix are not seen; bad values are warnings', {timeout: 20_000}, async () => {
  const sink = await watchFromNow()
  const made = await store.createLease(net('10.5.20.0/24'), vxlanAttrs('192.0.2.20'), 600)
  assert.ok(made.created)
  const put = await sink.next('put')
  assert.equal(put.lease.key, made.lease.key)
  assert.equal(put.lease.etcdLeaseId, made.lease.etcdLeaseId)
  assert.deepEqual(put.lease.attrs, vxlanAttrs('192.0.2.20'))

  await etcd.etcdctl(['put', `${PREFIX}/config`, '{"Network":"10.5.0.0/16"}'])
  await etcd.etcdctl(['put', `${PREFIX}/subnets/garbage`, 'x'])
  const warning = await sink.next('warning')
  assert.match(warning.message, /\/coreos\.com\/network\/subnets\/garbage/)

  await store.deleteLease(made.lease.key)
  const deleted = await sink.next('delete')
  assert.equal(deleted.key, made.lease.key)

  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.21.0-24`, flannelValue('192.0.2.21')])
  const reservation = await sink.next('put', (e) => e.lease.attrs.publicIp === '192.0.2.21')
  assert.equal(reservation.lease.reservation, true)
  assert.deepEqual(sink.events.map((e) => e.type), ['put', 'warning', 'delete', 'put'], 'the config key is not a lease event')
})

test('an etcd lease that expires is a delete event', {timeout: 20_000}, async () => {
  const sink = await watchFromNow()
  const made = await store.createLease(net('10.5.22.0/24'), vxlanAttrs('192.0.2.22'), 1)
  assert.ok(made.created)
  await sink.next('put')
  const deleted = await sink.next('delete')
  assert.equal(deleted.key, made.lease.key)
})

test('etcd stopped and started again: errors while down, then a re-list (onResync) and events again', {timeout: 60_000}, async () => {
  const sink = await watchFromNow()
  await store.createLease(net('10.5.30.0/24'), vxlanAttrs('192.0.2.30'), 600)
  await sink.next('put')

  await etcd.stop()
  const error = await sink.next('error')
  assert.equal((error.error as {code?: string}).code, 'E_ETCD_UNREACHABLE')
  assert.match(error.error.message, new RegExp(etcd.endpoint.replace(/\./g, '\\.')))
  // it retries while etcd is down, but backs off (100 ms doubling): no spinning
  await sleep(1500)
  const errorsWhileDown = sink.events.filter((e) => e.type === 'error').length
  assert.ok(errorsWhileDown <= 10, `retries back off (${errorsWhileDown} errors in 1.5 s)`)

  const mark = sink.events.length
  await etcd.start()
  // written as soon as etcd is back: it arrives in the re-list or as an event after it
  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.31.0-24`, flannelValue('192.0.2.31')])
  const resync = await sink.next('resync', () => true, mark)
  assert.ok(resync.list.leases.some((l) => l.attrs.publicIp === '192.0.2.30'), 'the re-list is the full set')
  if (!resync.list.leases.some((l) => l.attrs.publicIp === '192.0.2.31')) {
    await sink.next('put', (e) => e.lease.attrs.publicIp === '192.0.2.31', mark)
  }

  const later = sink.events.length
  await store.createLease(net('10.5.32.0/24'), vxlanAttrs('192.0.2.32'), 600)
  const put = await sink.next('put', (e) => e.lease.attrs.publicIp === '192.0.2.32', later)
  assert.equal(put.lease.key, `${PREFIX}/subnets/10.5.32.0-24`)
})

test('a watch from a compacted revision lists again and goes on', {timeout: 30_000}, async () => {
  const before = await store.listLeases()
  // move the revision on and compact past the watch's start
  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.40.0-24`, flannelValue('192.0.2.40')])
  await etcd.etcdctl(['put', '/unrelated', 'x'])
  const status = JSON.parse(await etcd.etcdctl(['endpoint', 'status', '-w', 'json'])) as Array<{Status: {header: {revision: number}}}>
  await etcd.etcdctl(['compact', String(status[0].Status.header.revision)])

  const sink = new RecordingSink()
  watches.push(store.watchLeases(before.revision, sink))
  const resync = await sink.next('resync')
  assert.ok(resync.list.leases.some((l) => l.attrs.publicIp === '192.0.2.40'), 'the re-list has the lease put before the compaction')
  assert.equal(sink.events.filter((e) => e.type === 'error').length, 0, 'a compaction is not an error')

  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.41.0-24`, flannelValue('192.0.2.41')])
  await sink.next('put', (e) => e.lease.attrs.publicIp === '192.0.2.41')
})

test('close stops the watch: no events afterwards', {timeout: 20_000}, async () => {
  const sink = new RecordingSink()
  const list = await store.listLeases()
  const watch = store.watchLeases(list.revision, sink)
  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.50.0-24`, flannelValue('192.0.2.50')])
  await sink.next('put')
  await watch.close()
  const count = sink.events.length
  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.51.0-24`, flannelValue('192.0.2.51')])
  await sleep(300)
  assert.equal(sink.events.length, count)
})
