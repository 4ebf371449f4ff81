import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createReconcileLoop, type PassOutcome} from '../../src/engine/reconcile-loop.js'
import {FakeClock, RecordingLogger, settle} from './fakes.js'

/** A reconcile function that records when it ran, with scripted outcomes. */
function recorder(clock: FakeClock, outcomes: Array<PassOutcome | Error> = []) {
  const runs: Array<{at: number; reasons: readonly string[]}> = []
  const reconcile = async (reasons: readonly string[]): Promise<PassOutcome> => {
    runs.push({at: clock.now(), reasons})
    const next = outcomes.shift() ?? {changes: 0}
    if (next instanceof Error) throw next
    return next
  }
  return {runs, reconcile}
}

test('the first event after idle runs a pass at once, without waiting for the interval', async () => {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const {runs, reconcile} = recorder(clock)
  const loop = createReconcileLoop({name: 'routes', clock, log, reconcile})
  loop.start()
  await clock.advance(0)
  assert.deepEqual(runs.map((r) => r.at), [0])
  await clock.advance(2000)
  loop.markDirty('put')
  await clock.advance(0)
  assert.deepEqual(runs.map((r) => r.at), [0, 2000])
  assert.deepEqual(runs[1].reasons, ['put'])
  await loop.stop()
})

test('a burst of events coalesces into at most one pass per 100 ms', async () => {
  const clock = new FakeClock()
  const {runs, reconcile} = recorder(clock)
  const loop = createReconcileLoop({name: 'routes', clock, log: new RecordingLogger(), reconcile, resyncIntervalMs: 0})
  loop.start()
  await clock.advance(1000)
  assert.equal(runs.length, 1)
  // 50 events, 10 ms apart: 500 ms of burst
  for (let i = 0; i < 50; i++) {
    loop.markDirty('put')
    await clock.advance(10)
  }
  await clock.advance(1000)
  const burstRuns = runs.slice(1).map((r) => r.at)
  assert.equal(burstRuns[0], 1000, 'the first event of the burst runs immediately')
  for (let i = 1; i < burstRuns.length; i++) assert.ok(burstRuns[i] - burstRuns[i - 1] >= 100, `passes ${burstRuns.join(',')} closer than 100 ms`)
  assert.ok(burstRuns.length <= 6, `${burstRuns.length} passes for a 500 ms burst`)
  // the last event is not lost: a pass ran after it
  assert.ok(burstRuns[burstRuns.length - 1] >= 1490)
  await loop.stop()
})

test('events in the same tick make one pass with all the reasons', async () => {
  const clock = new FakeClock()
  const {runs, reconcile} = recorder(clock)
  const loop = createReconcileLoop({name: 'routes', clock, log: new RecordingLogger(), reconcile, resyncIntervalMs: 0})
  loop.start()
  loop.markDirty('put')
  loop.markDirty('delete')
  await clock.advance(0)
  assert.equal(runs.length, 1)
  assert.deepEqual(runs[0].reasons, ['start', 'put', 'delete'])
  await loop.stop()
})

test('an event during a pass gets a pass after it (never lost)', async () => {
  const clock = new FakeClock()
  let release!: () => void
  const runs: number[] = []
  const loop = createReconcileLoop({
    name: 'routes',
    clock,
    log: new RecordingLogger(),
    resyncIntervalMs: 0,
    reconcile: async () => {
      runs.push(clock.now())
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve))
      return {changes: 0}
    },
  })
  loop.start()
  await clock.advance(0)
  loop.markDirty('put') // while the first pass is still running
  await clock.advance(500)
  assert.equal(runs.length, 1, 'no second pass while one is running')
  release()
  await clock.advance(0)
  assert.equal(runs.length, 2)
  await loop.stop()
})

test('the periodic resync runs a pass without events', async () => {
  const clock = new FakeClock()
  const {runs, reconcile} = recorder(clock)
  const loop = createReconcileLoop({name: 'routes', clock, log: new RecordingLogger(), reconcile, resyncIntervalMs: 5000})
  loop.start()
  await clock.advance(15_000)
  assert.deepEqual(runs.map((r) => r.at), [0, 5000, 10_000, 15_000])
  assert.deepEqual(runs[1].reasons, ['resync'])
  await loop.stop()
  await clock.advance(20_000)
  assert.equal(runs.length, 4, 'no passes after stop')
})

test('a failed pass stays dirty and is retried with backoff; degraded and recovered are logged once', async () => {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const boom = new Error('ip -batch: RTNETLINK answers: Operation not permitted')
  const {runs, reconcile} = recorder(clock, [boom, boom, boom, boom, {changes: 3}])
  const loop = createReconcileLoop({name: 'routes', clock, log, reconcile, resyncIntervalMs: 0})
  loop.start()
  await clock.advance(10_000)
  const at = runs.map((r) => r.at)
  assert.deepEqual(at, [0, 100, 300, 700, 1500], 'retries after 100, 200, 400, 800 ms')
  assert.deepEqual(runs[1].reasons, ['retry'])
  assert.equal(log.find('degraded').length, 1, 'the same error is logged once')
  assert.equal(log.find('degraded')[0].fields.error, boom.message)
  assert.equal(log.find('degraded')[0].fields.loop, 'routes')
  assert.equal(log.find('recovered').length, 1)
  assert.deepEqual(log.messages('info').filter((m) => m.startsWith('pass applied')), ['pass applied 3 changes'])
  const status = loop.status()
  assert.equal(status.degraded, false)
  assert.equal(status.failedPasses, 4)
  assert.equal(status.changes, 3)
  // after the success the backoff starts over: the next failure waits 100 ms again
  await loop.stop()
})

test('backoff is not cut short by new events, and resets after success', async () => {
  const clock = new FakeClock()
  const boom = new Error('fail')
  const {runs, reconcile} = recorder(clock, [boom, boom, {changes: 0}, boom, {changes: 0}])
  const loop = createReconcileLoop({name: 'routes', clock, log: new RecordingLogger(), reconcile, resyncIntervalMs: 0})
  loop.start()
  await clock.advance(50)
  loop.markDirty('put') // during the 100 ms backoff
  await clock.advance(1000)
  assert.deepEqual(runs.map((r) => r.at), [0, 100, 300])
  loop.markDirty('put')
  await clock.advance(1000)
  assert.deepEqual(runs.map((r) => r.at), [0, 100, 300, 1050, 1150], 'after a success the first retry is 100 ms again')
  await loop.stop()
})

test('a changed error message is logged again while degraded', async () => {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const {reconcile} = recorder(clock, [new Error('a'), new Error('a'), new Error('b'), {changes: 0}])
  const loop = createReconcileLoop({name: 'rules', clock, log, reconcile, resyncIntervalMs: 0})
  loop.start()
  await clock.advance(5000)
  assert.deepEqual(log.find('degraded').map((r) => r.fields.error), ['a', 'b'])
  assert.equal(log.find('recovered').length, 1)
  await loop.stop()
})

test('passes with no changes log nothing', async () => {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const {reconcile} = recorder(clock)
  const loop = createReconcileLoop({name: 'routes', clock, log, reconcile, resyncIntervalMs: 1000})
  loop.start()
  await clock.advance(10_000)
  assert.deepEqual(log.records, [])
  await loop.stop()
})

test('stop waits for the pass in progress', async () => {
  const clock = new FakeClock()
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let finished = false
  const loop = createReconcileLoop({
    name: 'routes',
    clock,
    log: new RecordingLogger(),
    reconcile: async () => {
      await gate
      finished = true
      return {changes: 1}
    },
  })
  loop.start()
  await clock.advance(0)
  let stopped = false
  const stopping = loop.stop().then(() => (stopped = true))
  await settle()
  assert.equal(stopped, false, 'stop() is still waiting for the pass')
  release()
  await stopping
  assert.equal(finished, true)
})

test('busy: under sustained churn passes are spaced further apart; the first change after a quiet time goes at once', async () => {
  const clock = new FakeClock()
  const starts: number[] = []
  const loop = createReconcileLoop({
    name: 'routes',
    clock,
    log: new RecordingLogger(),
    resyncIntervalMs: 0,
    busy: {eventsPerSecond: 5, minIntervalMs: 500},
    reconcile: async () => {
      starts.push(clock.now())
      return {changes: 1}
    },
  })
  loop.start()
  await clock.advance(0)
  await clock.advance(5000)
  starts.length = 0
  for (let i = 0; i < 30; i++) {
    loop.markDirty('put')
    await clock.advance(100) // 10 changes a second for 3 s
  }
  await clock.advance(1000)
  assert.equal(starts[0], 5000, 'the first change after a quiet time: at once')
  assert.ok(starts.length <= 12, `${starts.length} passes for 30 changes in 3 s, not 30 (${starts.join(', ')})`)
  for (let i = 1; i < starts.length; i++) if (starts[i]! - starts[i - 1]! < 500 && i > 6) assert.fail(`passes ${starts[i - 1]} and ${starts[i]} closer than 500 ms under churn`)
  await loop.stop()
})
