// The etcd lease store against a real etcd: config, create race, list with TTLs and
// reservations, renew, delete, malformed data, and byte-for-byte interop with etcdctl.
import {PAGE_SIZE} from '../../../src/adapters/etcd/etcd-range.js'
import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, test} from 'node:test'
import {openEtcdStore, type EtcdLeaseStore} from '../../../src/adapters/etcd/index.js'
import type {EtcdConnection} from '../../../src/adapters/etcd/etcd-connection.js'
import {prepareSpareGrant, takeSpareGrant} from '../../../src/adapters/etcd/spare-grant.js'
import {startEtcd, type EtcdServer} from '../../helpers/etcd-server.js'
import {PREFIX, flannelValue, net, vxlanAttrs} from './fixtures.js'

let etcd: EtcdServer
let store: EtcdLeaseStore

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

async function etcdGet(key: string): Promise<{value: string} | undefined> {
  const out = JSON.parse(await etcd.etcdctl(['get', key, '-w', 'json'])) as {kvs?: Array<{value: string}>}
  const kv = out.kvs?.[0]
  return kv === undefined ? undefined : {value: Buffer.from(kv.value, 'base64').toString('utf8')}
}

/** the key's etcd lease id in decimal ("0": none); read from the text, as etcdctl prints it as a JSON number too big for a double */
async function etcdLeaseOf(key: string): Promise<string> {
  const out = await etcd.etcdctl(['get', key, '-w', 'json'])
  return /"lease":(\d+)/.exec(out)?.[1] ?? '0'
}

describe('config', () => {
  test('get is undefined when the key is missing; put then get returns the same text', async () => {
    assert.equal(await store.getConfig(), undefined)
    const text = '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}'
    await store.putConfig(text)
    assert.equal(await store.getConfig(), text)
    assert.equal((await etcdGet(`${PREFIX}/config`))?.value, text)
    assert.equal(await etcdLeaseOf(`${PREFIX}/config`), '0', 'the config has no etcd lease')
  })

  test('a trailing slash on the prefix names the same keys', async () => {
    const slashed = await openEtcdStore({endpoints: etcd.endpoints, prefix: `${PREFIX}/`})
    try {
      await slashed.putConfig('{"Network":"10.6.0.0/16"}')
      assert.equal(slashed.prefix, PREFIX)
      assert.equal((await etcdGet(`${PREFIX}/config`))?.value, '{"Network":"10.6.0.0/16"}')
    } finally {
      await slashed.close()
    }
  })

  test('findConfigKeys finds flannel configs under other prefixes', async () => {
    await etcd.etcdctl(['put', '/atomic.io/network/config', '{"network":"172.16.0.0/12"}'])
    await etcd.etcdctl(['put', '/other/app/config', '{"name":"not flannel"}'])
    await etcd.etcdctl(['put', '/broken/config', 'not json'])
    assert.deepEqual(await store.findConfigKeys(), ['/atomic.io/network/config'])
  })
})

describe('leases', () => {
  test('create writes flannel bytes with a fresh 86400 s etcd lease; a second create of the key loses', async () => {
    const subnet = net('10.5.52.0/24')
    const first = await store.createLease(subnet, vxlanAttrs('192.0.2.11'), 86_400)
    assert.equal(first.created, true)
    assert.ok(first.created)
    assert.equal(first.lease.key, `${PREFIX}/subnets/10.5.52.0-24`)
    assert.equal(first.lease.reservation, false)
    const stored = await etcdGet(first.lease.key)
    assert.equal(stored?.value, flannelValue('192.0.2.11'))
    assert.equal(await etcdLeaseOf(first.lease.key), first.lease.etcdLeaseId)
    const ttl = await etcd.etcdctl(['lease', 'timetolive', BigInt(first.lease.etcdLeaseId!).toString(16)])
    assert.match(ttl, /granted with TTL\(86400s\)/)

    const second = await store.createLease(subnet, vxlanAttrs('192.0.2.12'), 86_400)
    assert.deepEqual(second, {created: false})
    assert.equal((await etcdGet(first.lease.key))?.value, flannelValue('192.0.2.11'), 'the winner\'s value is untouched')
  })

  test('two concurrent creates of one subnet: exactly one wins', async () => {
    const other = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX})
    try {
      const subnet = net('10.5.7.0/24')
      const results = await Promise.all([
        store.createLease(subnet, vxlanAttrs('192.0.2.11'), 86_400),
        other.createLease(subnet, vxlanAttrs('192.0.2.12'), 86_400),
      ])
      assert.equal(results.filter((r) => r.created).length, 1)
      const winner = results.find((r) => r.created)
      assert.ok(winner?.created)
      assert.equal((await etcdGet(`${PREFIX}/subnets/10.5.7.0-24`))?.value, flannelValue(winner.lease.attrs.publicIp))
    } finally {
      await other.close()
    }
  })

  test('list: leases with their time left, reservations marked, the revision', async () => {
    await store.createLease(net('10.5.1.0/24'), vxlanAttrs('192.0.2.1'), 86_400)
    await store.createLease(net('10.5.2.0/24'), vxlanAttrs('192.0.2.2'), 600)
    const reserved = await store.putReservation(net('10.5.3.0/24'), vxlanAttrs('192.0.2.3'))
    assert.equal(reserved.reservation, true)
    assert.equal(await etcdLeaseOf(reserved.key), '0')

    const list = await store.listLeases({withTtl: true})
    assert.deepEqual(list.warnings, [])
    assert.match(list.revision, /^\d+$/)
    const byIp = new Map(list.leases.map((l) => [l.attrs.publicIp, l]))
    assert.equal(list.leases.length, 3)
    const day = byIp.get('192.0.2.1')!
    assert.equal(day.reservation, false)
    assert.ok(day.ttlSeconds! > 86_000 && day.ttlSeconds! <= 86_400, `ttl ${day.ttlSeconds}`)
    assert.ok(byIp.get('192.0.2.2')!.ttlSeconds! <= 600)
    const reservation = byIp.get('192.0.2.3')!
    assert.equal(reservation.reservation, true)
    assert.equal(reservation.ttlSeconds, undefined)
    assert.equal(reservation.etcdLeaseId, undefined)

    const plain = await store.listLeases()
    assert.equal(plain.leases.find((l) => l.attrs.publicIp === '192.0.2.1')!.ttlSeconds, undefined, 'no TTLs unless asked')
  })

  test('renew puts the value again with a new etcd lease', async () => {
    const made = await store.createLease(net('10.5.4.0/24'), vxlanAttrs('192.0.2.4'), 600)
    assert.ok(made.created)
    const renewed = await store.renewLease(made.lease, vxlanAttrs('192.0.2.4', '0a:58:c0:00:02:99'), 86_400)
    assert.equal(renewed.reservation, false)
    assert.notEqual(renewed.etcdLeaseId, made.lease.etcdLeaseId)
    assert.equal(await etcdLeaseOf(made.lease.key), renewed.etcdLeaseId)
    assert.equal((await etcdGet(made.lease.key))?.value, flannelValue('192.0.2.4', '0a:58:c0:00:02:99'))
    const listed = (await store.listLeases({withTtl: true})).leases[0]
    assert.ok(listed.ttlSeconds! > 600, 'the new lease has the new TTL')
  })

  test('renew keeps a reservation a reservation (flannel issue #1329)', async () => {
    const reserved = await store.putReservation(net('10.5.5.0/24'), vxlanAttrs('192.0.2.5'))
    const listed = (await store.listLeases()).leases[0]
    assert.equal(listed.reservation, true)
    const renewed = await store.renewLease(listed, vxlanAttrs('192.0.2.5', '0a:58:c0:00:02:55'), 86_400)
    assert.equal(renewed.reservation, true)
    assert.equal(await etcdLeaseOf(reserved.key), '0')
    assert.equal((await etcdGet(reserved.key))?.value, flannelValue('192.0.2.5', '0a:58:c0:00:02:55'))
  })

  test('renew of a lease that was reserved meanwhile keeps the reservation', async () => {
    const made = await store.createLease(net('10.5.6.0/24'), vxlanAttrs('192.0.2.6'), 600)
    assert.ok(made.created)
    // an operator reserves it (same value, no etcd lease) while the agent holds the old Lease
    await etcd.etcdctl(['put', made.lease.key, flannelValue('192.0.2.6')])
    const renewed = await store.renewLease(made.lease, vxlanAttrs('192.0.2.6'), 86_400)
    assert.equal(renewed.reservation, true)
    assert.equal(await etcdLeaseOf(made.lease.key), '0')
  })

  test('renew of a reservation passed as an ordinary lease with no etcd lease id makes it expire again', async () => {
    const reserved = await store.putReservation(net('10.5.8.0/24'), vxlanAttrs('192.0.2.8'))
    const renewed = await store.renewLease({...reserved, reservation: false, etcdLeaseId: undefined}, reserved.attrs, 86_400)
    assert.equal(renewed.reservation, false)
    assert.equal(await etcdLeaseOf(reserved.key), renewed.etcdLeaseId)
  })

  test('delete removes the key; deleting an absent key is fine; other keys are refused', async () => {
    const made = await store.createLease(net('10.5.9.0/24'), vxlanAttrs('192.0.2.9'), 600)
    assert.ok(made.created)
    await store.deleteLease(made.lease.key)
    assert.equal(await etcdGet(made.lease.key), undefined)
    await store.deleteLease(made.lease.key)
    await assert.rejects(store.deleteLease(`${PREFIX}/config`), {code: 'E_USAGE'})
    await assert.rejects(store.deleteLease(`${PREFIX}/subnets/`), {code: 'E_USAGE'})
  })

  test('a lease set bigger than one page lists whole, at one revision', {timeout: 60_000}, async () => {
    const total = PAGE_SIZE + 500
    const subnets = Array.from({length: total}, (_, i) => net(`10.${20 + (i >> 8)}.${i & 255}.0/24`))
    for (let i = 0; i < subnets.length; i += 100) {
      await Promise.all(subnets.slice(i, i + 100).map((s, j) => store.putReservation(s, vxlanAttrs(`192.0.2.${(i + j) % 250 + 1}`))))
    }
    const list = await store.listLeases()
    assert.equal(list.leases.length, total)
    assert.equal(new Set(list.leases.map((l) => l.key)).size, total)
    assert.deepEqual(list.warnings, [])
  })

  test('malformed keys and values are warnings naming the key, never a crash', async () => {
    await store.createLease(net('10.5.10.0/24'), vxlanAttrs('192.0.2.10'), 600)
    await etcd.etcdctl(['put', `${PREFIX}/subnets/not-a-subnet`, flannelValue('192.0.2.20')])
    await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.11.0-32`, flannelValue('192.0.2.21')])
    await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.12.0-24`, '{"PublicIP":'])
    await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.13.0-24`, '{"PublicIP":"999.1.1.1"}'])
    const list = await store.listLeases({withTtl: true})
    assert.deepEqual(list.leases.map((l) => l.attrs.publicIp), ['192.0.2.10'])
    assert.equal(list.warnings.length, 4)
    for (const key of ['not-a-subnet', '10.5.11.0-32', '10.5.12.0-24', '10.5.13.0-24']) {
      assert.ok(list.warnings.some((w) => w.includes(`${PREFIX}/subnets/${key}`)), `a warning names ${key}: ${list.warnings.join(' | ')}`)
    }
    // well-formed keys with bad values still hold their subnets
    assert.deepEqual(list.unreadable?.map((u) => ({key: u.key, subnet: u.subnet, value: u.value})), [
      {key: `${PREFIX}/subnets/10.5.12.0-24`, subnet: net('10.5.12.0/24'), value: '{"PublicIP":'},
      {key: `${PREFIX}/subnets/10.5.13.0-24`, subnet: net('10.5.13.0/24'), value: '{"PublicIP":"999.1.1.1"}'},
    ])
    assert.match(list.unreadable![1].problem, /PublicIP: invalid IPv4 address/)
  })
})

describe('interop with etcdctl (flannel format)', () => {
  test('etcdctl reads what flanctl wrote, byte for byte, with a 86400 s lease', async () => {
    const made = await store.createLease(net('10.5.52.0/24'), vxlanAttrs('192.0.2.11'), 86_400)
    assert.ok(made.created)
    const value = await etcd.etcdctl(['get', `${PREFIX}/subnets/10.5.52.0-24`, '--print-value-only'])
    assert.equal(value, `${flannelValue('192.0.2.11')}\n`)
    await store.putReservation(net('10.5.53.0/24'), {publicIp: '192.0.2.12', publicIpv6: null, backendType: 'host-gw'})
    assert.equal(await etcd.etcdctl(['get', `${PREFIX}/subnets/10.5.53.0-24`, '--print-value-only']), '{"PublicIP":"192.0.2.12","PublicIPv6":null,"BackendType":"host-gw"}\n')
    await store.putReservation(net('10.5.54.0/24'), {publicIp: '192.0.2.13', publicIpv6: null})
    assert.equal(await etcd.etcdctl(['get', `${PREFIX}/subnets/10.5.54.0-24`, '--print-value-only']), '{"PublicIP":"192.0.2.13","PublicIPv6":null}\n')
  })

  test('flanctl reads leases and reservations written by etcdctl as flanneld writes them', async () => {
    const grant = await etcd.etcdctl(['lease', 'grant', '86400'])
    const leaseHex = /lease ([0-9a-f]+) granted/.exec(grant)?.[1]
    assert.ok(leaseHex, grant)
    await etcd.etcdctl(['put', `--lease=${leaseHex}`, `${PREFIX}/subnets/10.5.60.0-24`, flannelValue('192.0.2.60', '0a:58:c0:00:02:3c')])
    await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.61.0-24`, '{"PublicIP":"192.0.2.61","PublicIPv6":null,"BackendType":"host-gw"}'])
    const list = await store.listLeases({withTtl: true})
    assert.deepEqual(list.warnings, [])
    const [leased, reserved] = list.leases
    assert.deepEqual(leased.subnet, net('10.5.60.0/24'))
    assert.equal(leased.etcdLeaseId, BigInt(`0x${leaseHex}`).toString())
    assert.equal(leased.reservation, false)
    assert.ok(leased.ttlSeconds! > 86_000)
    assert.deepEqual(leased.attrs, vxlanAttrs('192.0.2.60', '0a:58:c0:00:02:3c'))
    assert.equal(reserved.reservation, true)
    assert.deepEqual(reserved.attrs, {publicIp: '192.0.2.61', publicIpv6: null, backendType: 'host-gw'})
  })
})

describe('a lease granted ahead (spare-grant.ts)', () => {
  /** the etcd leases that exist, their IDs in decimal (etcdctl lists them in hex, after "found N leases") */
  async function etcdLeases(): Promise<string[]> {
    const out = await etcd.etcdctl(['lease', 'list'])
    return out.split('\n').slice(1).filter((line) => /^[0-9a-f]+$/.test(line.trim())).map((hex) => BigInt(`0x${hex.trim()}`).toString())
  }

  test('the next grant of that TTL takes it: one etcd lease, not two', async () => {
    const own = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX})
    try {
      const before = await etcdLeases()
      own.prepareLeaseGrant(600)
      for (let i = 0; i < 50 && (await etcdLeases()).length === before.length; i++) await new Promise((r) => setTimeout(r, 20))
      const spare = (await etcdLeases()).filter((id) => !before.includes(id))
      assert.equal(spare.length, 1, 'granted at once')
      const made = await own.createLease(net('10.5.40.0/24'), vxlanAttrs('192.0.2.40'), 600)
      assert.ok(made.created)
      assert.deepEqual((await etcdLeases()).filter((id) => !before.includes(id)), spare, 'the create used the spare')
      assert.equal(await etcdLeaseOf(made.lease.key), spare[0])
      // another TTL does not take it (none is left anyway): a grant of its own
      own.prepareLeaseGrant(600)
      const renewed = await own.renewLease(made.lease, made.lease.attrs, 300)
      assert.notEqual(renewed.etcdLeaseId, spare[0])
    } finally {
      await own.close()
    }
  })

  test('a spare nobody takes within its age is revoked then', async () => {
    const before = await etcdLeases()
    const connection = (store as unknown as {connection: EtcdConnection}).connection
    prepareSpareGrant(connection, 600, 300)
    for (let i = 0; i < 50 && (await etcdLeases()).length === before.length; i++) await new Promise((r) => setTimeout(r, 20))
    assert.equal((await etcdLeases()).length, before.length + 1)
    for (let i = 0; i < 100 && (await etcdLeases()).length > before.length; i++) await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(await etcdLeases(), before)
    assert.equal(await takeSpareGrant(connection, 600), undefined, 'and it is not taken any more')
  })

  test('a spare nobody takes is revoked when the store closes', async () => {
    const own = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX})
    const before = await etcdLeases()
    own.prepareLeaseGrant(600)
    for (let i = 0; i < 50 && (await etcdLeases()).length === before.length; i++) await new Promise((r) => setTimeout(r, 20))
    assert.equal((await etcdLeases()).length, before.length + 1)
    await own.close()
    assert.deepEqual(await etcdLeases(), before)
  })
})
