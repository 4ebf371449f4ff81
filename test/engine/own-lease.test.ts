// A second host with our public IP writes our lease: the agent says so (error, degraded reason
// for /readyz), puts its value back once the other value stays unchanged, and a newcomer yields.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {runAgent, type AgentResult} from '../../src/engine/agent.js'
import {harness, VTEP_MAC, type Harness} from './agent-fakes.js'
import {lease, PREFIX} from './fakes.js'

const OWN_KEY = `${PREFIX}/subnets/198.18.1.0-24`
const vtepMacOf = (h: Harness, key: string) => (h.store.leases.get(key)?.attrs.backendData as {VtepMAC?: string} | undefined)?.VtepMAC

async function start(h: Harness): Promise<{run: Promise<AgentResult>}> {
  const run = runAgent(h.options, h.deps)
  run.catch(() => {})
  await h.clock.advance(0)
  return {run}
}

test('our lease overwritten by another writer: error, degraded, then our value back after the hold-off, without fighting a changing value', async () => {
  const h = harness({ownLeaseHoldOffMs: 30_000})
  const {run} = await start(h)
  assert.equal(vtepMacOf(h, OWN_KEY), VTEP_MAC)
  assert.equal(h.log.find("reused our lease, but it held another host's data").length, 0)
  const intruder = lease('198.18.1.0/24', '192.0.2.11', {vtepMac: '0a:00:00:00:99:99'})
  h.store.put(intruder)
  await h.clock.advance(0)
  const error = h.log.find('own lease overwritten by another host')
  assert.equal(error.length, 1)
  assert.equal(error[0].level, 'error')
  assert.match(String(error[0].fields.theirs), /0a:00:00:00:99:99/)
  assert.deepEqual(h.degraded.at(-1), ['duplicate-public-ip'])
  const renewalsBefore = h.store.renewals.length

  await h.clock.advance(20_000)
  h.store.put({...intruder, etcdLeaseId: '555'}) // the other host writes again: the wait starts over
  await h.clock.advance(20_000)
  assert.equal(h.store.renewals.length, renewalsBefore, 'no re-assert while the other value keeps changing')
  assert.equal(vtepMacOf(h, OWN_KEY), '0a:00:00:00:99:99')

  await h.clock.advance(10_000)
  assert.equal(h.store.renewals.length, renewalsBefore + 1, 'one re-assert')
  assert.equal(vtepMacOf(h, OWN_KEY), VTEP_MAC)
  assert.equal(h.log.find('own lease value restored').length, 1)
  assert.deepEqual(h.degraded.at(-1), [])
  await h.clock.advance(120_000)
  assert.equal(h.store.renewals.length, renewalsBefore + 1, 'and no more')
  h.controller.abort()
  await run
})

test('a newcomer that took over a lease holding another VtepMAC warns, and yields when the first host writes back', async () => {
  const h = harness({ownLeaseHoldOffMs: 30_000})
  h.store.put(lease('198.18.1.0/24', '192.0.2.11', {vtepMac: '0a:00:00:00:99:99'}))
  const {run} = await start(h)
  const warned = h.log.find("reused our lease, but it held another host's data")
  assert.equal(warned.length, 1)
  assert.match(String(warned[0].fields.detail), /another live host may hold this public IP 192\.0\.2\.11/)
  assert.equal(vtepMacOf(h, OWN_KEY), VTEP_MAC, 'the reuse wrote our value, as flannel does')

  h.store.put(lease('198.18.1.0/24', '192.0.2.11', {vtepMac: '0a:00:00:00:99:99'}))
  await h.clock.advance(0)
  assert.equal(h.log.find('yielding the lease to the host that held it before us').length, 1)
  assert.deepEqual(h.degraded.at(-1), ['duplicate-public-ip'])
  const renewals = h.store.renewals.length
  await h.clock.advance(48 * 3_600_000)
  assert.equal(h.store.renewals.length, renewals, 'no re-assert, no renewal: the key is the other host\'s')
  assert.equal(vtepMacOf(h, OWN_KEY), '0a:00:00:00:99:99')
  h.controller.abort()
  await run
})
