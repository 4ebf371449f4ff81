import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createAgentReporter, DEGRADED_LOG_INTERVAL_MS} from '../../src/engine/agent-report.js'
import type {LeaseKeeper} from '../../src/engine/lease-keeper.js'
import type {ReconcileLoop, ReconcileLoopStatus} from '../../src/engine/reconcile-loop.js'
import {FakeClock, lease, RecordingLogger} from './fakes.js'

const own = lease('198.18.1.0/24', '192.0.2.11', {ttlSeconds: 86_400})
const WALL = Date.parse('2026-01-01T00:00:00.000Z')

function fakeLoop(status: Partial<ReconcileLoopStatus> = {}): ReconcileLoop & {set(s: Partial<ReconcileLoopStatus>): void} {
  let current: ReconcileLoopStatus = {passes: 3, failedPasses: 0, changes: 2, dirty: false, degraded: false, ...status}
  return {
    markDirty() {},
    start() {},
    stop: async () => {},
    status: () => current,
    firstSuccess: Promise.resolve(),
    firstPass: Promise.resolve(),
    set(s) {
      current = {...current, ...s}
    },
  }
}

function setup() {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const keeper: LeaseKeeper = {lease: () => own, expiresAt: () => 86_400_000, nextRenewalAt: () => 82_800_000, renewNow: async () => {}, stop() {}}
  const routes = fakeLoop()
  const reporter = createAgentReporter({clock, log, lease: () => own, keeper, routes: () => routes, wallNow: () => WALL + clock.now()})
  return {clock, log, routes, reporter}
}

test('agent report: etcd, the lease with its expiry as dates, the loops\' passes', () => {
  const {reporter} = setup()
  const s = reporter.status()
  assert.equal(s.state, 'ok')
  assert.deepEqual(s.etcd, {reachable: true, since: '2026-01-01T00:00:00.000Z'})
  assert.deepEqual(s.lease, {subnet: '198.18.1.0/24', key: own.key, reservation: false, expiresAt: '2026-01-02T00:00:00.000Z', nextRenewalAt: '2026-01-01T23:00:00.000Z'})
  assert.deepEqual(s.routes, {passes: 3, failedPasses: 0, degraded: false})
  reporter.stop()
})

test('agent report: a healthy agent logs nothing; a degraded one logs its state every 30 s, saying since when', async () => {
  const {clock, log, reporter} = setup()
  await clock.advance(3 * DEGRADED_LOG_INTERVAL_MS)
  assert.deepEqual(log.find('still degraded'), [])
  await clock.advance(5_000)
  reporter.watchHealth(false)
  const s = reporter.status()
  assert.equal(s.state, 'degraded')
  assert.deepEqual(s.etcd, {reachable: false, since: new Date(WALL + 3 * DEGRADED_LOG_INTERVAL_MS + 5_000).toISOString()})
  await clock.advance(2 * DEGRADED_LOG_INTERVAL_MS)
  const lines = log.find('still degraded')
  assert.equal(lines.length, 2)
  assert.equal(lines[0]!.level, 'warn')
  assert.match(String(lines[1]!.fields.etcd), /^unreachable for /)
  reporter.watchHealth(true)
  await clock.advance(2 * DEGRADED_LOG_INTERVAL_MS)
  assert.equal(log.find('still degraded').length, 2, 'quiet again once etcd answers')
  reporter.stop()
})

test('agent report: a failing loop makes the agent degraded, with its last error', async () => {
  const {clock, log, routes, reporter} = setup()
  routes.set({degraded: true, failedPasses: 4, lastError: 'ip -batch failed: RTNETLINK answers: Operation not permitted'})
  assert.equal(reporter.status().state, 'degraded')
  assert.equal(reporter.status().routes?.lastError, 'ip -batch failed: RTNETLINK answers: Operation not permitted')
  await clock.advance(DEGRADED_LOG_INTERVAL_MS)
  assert.match(String(log.find('still degraded')[0]?.fields.routes), /Operation not permitted/)
  reporter.stop()
  await clock.advance(3 * DEGRADED_LOG_INTERVAL_MS)
  assert.equal(log.find('still degraded').length, 1, 'stopped: no more lines')
})
