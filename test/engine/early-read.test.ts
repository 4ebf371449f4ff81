// A read made early is taken once, while pending or fresh; a stale or failed one is not, and the
// caller reads again (the leases listed beside the config read, the iptables tables saved at start).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {earlyRead} from '../../src/engine/early-read.js'
import {FakeClock} from './fakes.js'

test('taken once, while pending or within its age; not when older, nor a second time', async () => {
  const clock = new FakeClock()
  const fresh = earlyRead(Promise.resolve('tables'), clock, 2000)
  await clock.advance(2000)
  assert.equal(await fresh.take(), 'tables')
  assert.equal(fresh.take(), undefined, 'once')

  const stale = earlyRead(Promise.resolve('tables'), clock, 2000)
  await clock.advance(2001)
  assert.equal(stale.take(), undefined, 'older than its age: read again')

  let arrive!: (value: string) => void
  const slow = earlyRead(new Promise<string>((resolve) => (arrive = resolve)), clock, 2000)
  await clock.advance(10_000)
  const taken = slow.take()
  assert.ok(taken, 'still pending: taken')
  arrive('late')
  assert.equal(await taken, 'late')
})

test('a failed early read is the caller\'s to see, and never unhandled', async () => {
  const clock = new FakeClock()
  const failed = earlyRead(Promise.reject(new Error('iptables-save: not found')), clock, 2000)
  await clock.advance(0)
  await assert.rejects(failed.take()!, /not found/)
})
