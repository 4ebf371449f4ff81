// acquireLease on the real etcd store: a new lease, reuse by public IP (value refreshed,
// reservations kept), the previous subnet, stale leases deleted, a lost race retried, exhaustion.
import assert from 'node:assert/strict'
import {after, before, beforeEach, test} from 'node:test'
import {openEtcdStore, type EtcdLeaseStore} from '../../../src/adapters/etcd/index.js'
import {acquireLease} from '../../../src/engine/acquire-lease.js'
import type {LeaseStore} from '../../../src/core/ports.js'
import {startEtcd, type EtcdServer} from '../../helpers/etcd-server.js'
import {PREFIX, flannelValue, net, networkConfig, vxlanAttrs} from './fixtures.js'

let etcd: EtcdServer
let store: EtcdLeaseStore

const CONFIG = networkConfig('{"Network":"10.10.0.0/16","SubnetLen":24,"Backend":{"Type":"vxlan"}}')
const first = () => 0

before(async () => {
  etcd = await startEtcd()
  store = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX})
})

after(async () => {
  await store?.close()
  await etcd?.destroy()
})

beforeEach(async () => {
  await etcd.etcdctl(['del', '--prefix', '/'])
})

const leaseIdOf = async (key: string) => /"lease":(\d+)/.exec(await etcd.etcdctl(['get', key, '-w', 'json']))?.[1] ?? '0'

test('new: a free subnet (the first one after SubnetMin with random 0), created with a lease', async () => {
  const got = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.1', attrs: vxlanAttrs('192.0.2.1'), random: first})
  assert.equal(got.how, 'new')
  assert.deepEqual(got.lease.subnet, net('10.10.1.0/24'))
  assert.deepEqual(got.deletedStale, [])
  assert.equal(await etcd.etcdctl(['get', got.lease.key, '--print-value-only']), `${flannelValue('192.0.2.1')}\n`)
  assert.equal(await leaseIdOf(got.lease.key), got.lease.etcdLeaseId)
})

test('reuse by public IP: same subnet, value refreshed, new etcd lease', async () => {
  const before = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.2', attrs: vxlanAttrs('192.0.2.2', '0a:58:00:00:00:01'), random: first})
  const again = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.2', attrs: vxlanAttrs('192.0.2.2', '0a:58:00:00:00:02'), random: () => 0.99})
  assert.equal(again.how, 'reuse')
  assert.equal(again.lease.key, before.lease.key)
  assert.notEqual(again.lease.etcdLeaseId, before.lease.etcdLeaseId)
  assert.equal(await etcd.etcdctl(['get', again.lease.key, '--print-value-only']), `${flannelValue('192.0.2.2', '0a:58:00:00:00:02')}\n`)
  assert.equal((await store.listLeases()).leases.length, 1)
})

test('reuse of a reservation: it stays a reservation, with the new value', async () => {
  const reserved = await store.putReservation(net('10.10.77.0/24'), vxlanAttrs('192.0.2.3', '0a:58:00:00:00:01'))
  const got = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.3', attrs: vxlanAttrs('192.0.2.3', '0a:58:00:00:00:03'), random: first})
  assert.equal(got.how, 'reuse')
  assert.equal(got.lease.key, reserved.key)
  assert.equal(got.lease.reservation, true)
  assert.equal(await leaseIdOf(reserved.key), '0')
  assert.equal(await etcd.etcdctl(['get', reserved.key, '--print-value-only']), `${flannelValue('192.0.2.3', '0a:58:00:00:00:03')}\n`)
})

test('previous subnet from subnet.env, when free', async () => {
  const got = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.4', attrs: vxlanAttrs('192.0.2.4'), previousSubnet: net('10.10.42.0/24'), random: first})
  assert.equal(got.how, 'previous')
  assert.equal(got.lease.key, `${PREFIX}/subnets/10.10.42.0-24`)
})

test('previous subnet taken by another host: a new one instead', async () => {
  await store.createLease(net('10.10.42.0/24'), vxlanAttrs('192.0.2.99'), 600)
  const got = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.4', attrs: vxlanAttrs('192.0.2.4'), previousSubnet: net('10.10.42.0/24'), random: first})
  assert.equal(got.how, 'new')
  assert.deepEqual(got.lease.subnet, net('10.10.1.0/24'))
})

test('our lease that no longer fits the config is deleted and a new one taken', async () => {
  // written under an older config with /26 subnets
  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.10.5.64-26`, flannelValue('192.0.2.5')])
  const got = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.5', attrs: vxlanAttrs('192.0.2.5'), random: first})
  assert.equal(got.how, 'new')
  assert.deepEqual(got.deletedStale, [`${PREFIX}/subnets/10.10.5.64-26`])
  assert.match(got.staleReasons[`${PREFIX}/subnets/10.10.5.64-26`]!, /^it no longer fits the network config \(a \/24 from /)
  assert.equal(await etcd.etcdctl(['get', `${PREFIX}/subnets/10.10.5.64-26`, '--print-value-only']), '')
  const keys = (await store.listLeases()).leases.map((l) => l.key)
  assert.deepEqual(keys, [got.lease.key])
})

test('a lost race (another host creates the chosen key first) is retried with a fresh list', async () => {
  // a store that lets a rival host take the chosen subnet just before our create, once
  let rivalDone = false
  const racing: LeaseStore = Object.create(store) as LeaseStore
  racing.createLease = async (subnet, attrs, ttl) => {
    if (!rivalDone) {
      rivalDone = true
      await store.createLease(subnet, vxlanAttrs('192.0.2.66'), 600)
    }
    return store.createLease(subnet, attrs, ttl)
  }
  const log: string[] = []
  const got = await acquireLease({store: racing, config: CONFIG, publicIp: '192.0.2.6', attrs: vxlanAttrs('192.0.2.6'), random: first, log: (m) => log.push(m)})
  assert.equal(got.how, 'new')
  assert.deepEqual(got.lease.subnet, net('10.10.2.0/24'), 'the next free subnet after the rival took 10.10.1.0/24')
  assert.match(log.join('\n'), /10\.10\.1\.0\/24 was taken by another host/)
  const byIp = new Map((await store.listLeases()).leases.map((l) => [l.attrs.publicIp, l.key]))
  assert.equal(byIp.get('192.0.2.66'), `${PREFIX}/subnets/10.10.1.0-24`)
  assert.equal(byIp.get('192.0.2.6'), `${PREFIX}/subnets/10.10.2.0-24`)
})

test('two hosts acquiring at once with the same random choice get different subnets', async () => {
  const other = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX})
  try {
    const [a, b] = await Promise.all([
      acquireLease({store, config: CONFIG, publicIp: '192.0.2.7', attrs: vxlanAttrs('192.0.2.7'), random: first}),
      acquireLease({store: other, config: CONFIG, publicIp: '192.0.2.8', attrs: vxlanAttrs('192.0.2.8'), random: first}),
    ])
    assert.notEqual(a.lease.key, b.lease.key)
  } finally {
    await other.close()
  }
})

test('losing every attempt ends in E_CONFLICT, bounded', async () => {
  let creates = 0
  const alwaysLoses: LeaseStore = Object.create(store) as LeaseStore
  alwaysLoses.createLease = async () => { creates++; return {created: false} }
  await assert.rejects(
    acquireLease({store: alwaysLoses, config: CONFIG, publicIp: '192.0.2.9', attrs: vxlanAttrs('192.0.2.9'), random: first, maxAttempts: 3}),
    (error: {code?: string; message: string}) => error.code === 'E_CONFLICT' && /3 times/.test(error.message),
  )
  assert.equal(creates, 3)
})

test('exhausted: E_SUBNETS_EXHAUSTED naming the store', async () => {
  const tiny = networkConfig('{"Network":"10.11.0.0/22","SubnetLen":24}')
  // SubnetMin is the second subnet: 10.11.1.0, .2.0 and .3.0 are the ones to give
  for (const third of [1, 2, 3]) await store.createLease(net(`10.11.${third}.0/24`), vxlanAttrs(`192.0.2.${third}`), 600)
  await assert.rejects(
    acquireLease({store, config: tiny, publicIp: '192.0.2.10', attrs: vxlanAttrs('192.0.2.10'), random: first}),
    (error: {code?: string; message: string; hint?: string}) =>
      error.code === 'E_SUBNETS_EXHAUSTED' &&
      /out of subnets/.test(error.message) &&
      error.message.includes(store.description) &&
      /Widen SubnetMin\/SubnetMax .* or release the leases of hosts that are gone/.test(error.hint ?? ''),
  )
})

test('two leases of ours: one is kept, the other deleted with the true reason (a duplicate, not "no longer fits")', async () => {
  // two ordinary leases (with an etcd lease; reservations are never deleted)
  for (const third of [7, 8]) await store.createLease(net(`10.10.${third}.0/24`), vxlanAttrs('192.0.2.77'), 600)
  const log: string[] = []
  const got = await acquireLease({store, config: CONFIG, publicIp: '192.0.2.77', attrs: vxlanAttrs('192.0.2.77'), random: first, log: (m) => log.push(m)})
  assert.equal(got.how, 'reuse')
  assert.equal(got.deletedStale.length, 1)
  const [gone] = got.deletedStale
  assert.equal(got.staleReasons[gone!], `a duplicate: this host keeps ${got.lease.key}`)
  assert.match(log.join('\n'), /deleted our old lease .*: a duplicate: this host keeps/)
  assert.equal(await etcd.etcdctl(['get', gone!, '--print-value-only']), '')
})
