import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {afterFailure, afterSuccess, backoff, DEFAULT_BACKOFF} from '../../src/core/backoff.js'

test('delays double from 100 ms and stop at 5 s', () => {
  let state = backoff()
  assert.equal(state.delayMs, 0)
  const delays: number[] = []
  for (let i = 0; i < 10; i++) {
    state = afterFailure(state)
    delays.push(state.delayMs)
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000])
  assert.equal(state.failures, 10)
})

test('a success starts over', () => {
  const failed = afterFailure(afterFailure(afterFailure(backoff())))
  const reset = afterSuccess(failed)
  assert.deepEqual(reset, backoff())
  assert.equal(afterFailure(reset).delayMs, 100)
})

test('values are immutable: the old state is unchanged', () => {
  const first = afterFailure(backoff())
  const second = afterFailure(first)
  assert.equal(first.delayMs, 100)
  assert.equal(second.delayMs, 200)
})

test('any number of failures stays within [initial, max] and never overflows', () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 5000}), (n) => {
      let state = backoff(DEFAULT_BACKOFF)
      for (let i = 0; i < n; i++) state = afterFailure(state)
      return state.delayMs >= 100 && state.delayMs <= 5000 && Number.isFinite(state.delayMs)
    }),
    {numRuns: 30},
  )
})

test('a custom policy', () => {
  const state = afterFailure(afterFailure(backoff({initialMs: 1000, maxMs: 60_000, factor: 3})))
  assert.equal(state.delayMs, 3000)
})
