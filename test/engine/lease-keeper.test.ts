import {test} from 'node:test'
import assert from 'node:assert/strict'
import {startLeaseKeeper} from '../../src/engine/lease-keeper.js'
import type {Lease, LeaseAttrs} from '../../src/core/types.js'
import {FakeClock, lease, RecordingLogger} from './fakes.js'

const HOUR = 3_600_000
const MINUTE = 60_000

function fakeStore(clock: FakeClock, failures = 0) {
  const calls: Array<{at: number; lease: Lease; attrs: LeaseAttrs; ttl: number}> = []
  let left = failures
  return {
    calls,
    async renewLease(l: Lease, attrs: LeaseAttrs, ttl: number): Promise<Lease> {
      calls.push({at: clock.now(), lease: l, attrs, ttl})
      if (left > 0) {
        left--
        throw new Error('etcd http://127.0.0.1:2379: deadline exceeded')
      }
      return {...l, etcdLeaseId: String(calls.length + 100), ttlSeconds: ttl}
    },
  }
}

test('renews the margin before expiry, then again a day later', async () => {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const store = fakeStore(clock)
  const renewed: Lease[] = []
  const own = lease('198.18.1.0/24', '192.0.2.11')
  const keeper = startLeaseKeeper({clock, log, store, lease: own, renewMarginMinutes: 60, onRenewed: (l) => renewed.push(l)})
  assert.equal(keeper.nextRenewalAt(), 23 * HOUR)
  await clock.advance(23 * HOUR - 1)
  assert.equal(store.calls.length, 0)
  await clock.advance(1)
  assert.equal(store.calls.length, 1)
  assert.equal(store.calls[0].at, 23 * HOUR)
  assert.equal(store.calls[0].ttl, 86_400)
  assert.deepEqual(store.calls[0].attrs, own.attrs, 'the same value is put again')
  assert.equal(keeper.lease().etcdLeaseId, '101')
  assert.equal(renewed.length, 1)
  assert.equal(log.find('lease renewed').length, 1)
  assert.equal(log.find('lease renewed')[0].fields.expiresIn, '24h')
  await clock.advance(24 * HOUR)
  assert.deepEqual(store.calls.map((c) => c.at), [23 * HOUR, 46 * HOUR])
  keeper.stop()
})

test('the margin flag sets when: 1439 minutes renews a minute after acquiring', async () => {
  const clock = new FakeClock()
  const store = fakeStore(clock)
  const keeper = startLeaseKeeper({clock, log: new RecordingLogger(), store, lease: lease('198.18.1.0/24', '192.0.2.11'), renewMarginMinutes: 1439})
  await clock.advance(MINUTE)
  assert.deepEqual(store.calls.map((c) => c.at), [MINUTE])
  keeper.stop()
})

test('a lease with less time left (reused) is renewed sooner', async () => {
  const clock = new FakeClock()
  const store = fakeStore(clock)
  const keeper = startLeaseKeeper({clock, log: new RecordingLogger(), store, lease: lease('198.18.1.0/24', '192.0.2.11', {ttlSeconds: 2 * 3600}), renewMarginMinutes: 60})
  await clock.advance(HOUR)
  assert.deepEqual(store.calls.map((c) => c.at), [HOUR])
  keeper.stop()
})

test('a failed renewal is retried every minute and logged', async () => {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const store = fakeStore(clock, 3)
  const keeper = startLeaseKeeper({clock, log, store, lease: lease('198.18.1.0/24', '192.0.2.11'), renewMarginMinutes: 60})
  await clock.advance(23 * HOUR + 10 * MINUTE)
  assert.deepEqual(store.calls.map((c) => c.at), [23 * HOUR, 23 * HOUR + MINUTE, 23 * HOUR + 2 * MINUTE, 23 * HOUR + 3 * MINUTE])
  const failed = log.find('lease renewal failed')
  assert.equal(failed.length, 3)
  assert.equal(failed[0].fields.retryIn, '1m')
  assert.equal(failed[0].fields.expiresIn, '1h')
  assert.match(String(failed[0].fields.error), /127\.0\.0\.1:2379/)
  assert.equal(log.find('lease renewed').length, 1)
  // the next renewal is a day after the successful one, not after the first attempt
  assert.equal(keeper.nextRenewalAt(), 23 * HOUR + 3 * MINUTE + 23 * HOUR)
  keeper.stop()
})

test('a reservation is never renewed', async () => {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const store = fakeStore(clock)
  const keeper = startLeaseKeeper({clock, log, store, lease: lease('198.18.1.0/24', '192.0.2.11', {reservation: true}), renewMarginMinutes: 60})
  await clock.advance(100 * HOUR)
  assert.equal(store.calls.length, 0)
  assert.equal(keeper.nextRenewalAt(), undefined)
  assert.equal(log.records.length, 1)
  keeper.stop()
})

test('stop cancels the renewal', async () => {
  const clock = new FakeClock()
  const store = fakeStore(clock)
  const keeper = startLeaseKeeper({clock, log: new RecordingLogger(), store, lease: lease('198.18.1.0/24', '192.0.2.11'), renewMarginMinutes: 60})
  keeper.stop()
  await clock.advance(48 * HOUR)
  assert.equal(store.calls.length, 0)
  assert.deepEqual(clock.pending(), [])
})
