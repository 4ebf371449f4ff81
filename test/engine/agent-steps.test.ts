// The agent's steps and its limits, on the fakes: what is retried and what ends the agent at
// once, routes that do not wait for hung rules, what `flanctl up` refuses to run, and the
// de-duplicated warnings of a pass.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {FlanctlError, type FlanctlErrorCode} from '../../src/core/errors.js'
import {DEFAULT_PROGRAM_TIMEOUT_MS} from '../../src/adapters/process/run-program.js'
import {runAgent} from '../../src/engine/agent.js'
import {sleep} from '../../src/engine/clock.js'
import {retrying, Stopped} from '../../src/engine/retrying.js'
import {RULES_GRACE_MS} from '../../src/engine/run-loops.js'
import {harness} from './agent-fakes.js'
import {FakeClock, lease, RecordingLogger} from './fakes.js'

const peer = lease('198.18.2.0/24', '192.0.2.12', {vtepMac: '0a:00:00:00:02:01'})

// the list is written out, not taken from RETRYABLE_CODES: dropping a code from the agent's set must fail here
for (const code of ['E_NO_CONFIG', 'E_INVALID_CONFIG', 'E_ETCD_UNREACHABLE', 'E_SUBNETS_EXHAUSTED', 'E_CONFLICT'] as const) {
  test(`${code} is waited out: retried with backoff until it works`, async () => {
    const clock = new FakeClock()
    const log = new RecordingLogger()
    let attempts = 0
    const done = retrying({clock, log, signal: new AbortController().signal}, 'doing it', {}, async () => {
      if (++attempts < 3) throw new FlanctlError(code, 'not yet')
      return 'done'
    })
    await clock.advance(1000)
    assert.equal(await done, 'done')
    assert.equal(attempts, 3)
    assert.equal(log.find('doing it failed').length, 2)
  })
}

for (const code of ['E_ETCD_ACCESS', 'E_USAGE', 'E_SYSTEM'] as FlanctlErrorCode[]) {
  test(`${code} is not waited out: the first failure ends the step`, async () => {
    const clock = new FakeClock()
    let attempts = 0
    const done = retrying({clock, log: new RecordingLogger(), signal: new AbortController().signal}, 'doing it', {}, async () => {
      attempts++
      throw new FlanctlError(code, 'wrong settings')
    })
    await assert.rejects(done, (error: unknown) => error instanceof FlanctlError && error.code === code)
    assert.equal(attempts, 1)
  })
}

test('a signal during the backoff ends the retries with Stopped', async () => {
  const clock = new FakeClock()
  const controller = new AbortController()
  const done = retrying({clock, log: new RecordingLogger(), signal: controller.signal}, 'doing it', {}, async () => {
    throw new FlanctlError('E_ETCD_UNREACHABLE', 'down')
  })
  done.catch(() => {})
  await clock.advance(0)
  controller.abort()
  await assert.rejects(done, (error: unknown) => error instanceof Stopped)
})

test('a wrong password or rejected certificate stops the agent with exit 5, instead of retrying for ever', async () => {
  const h = harness()
  let reads = 0
  h.store.getConfig = async () => {
    reads++
    throw new FlanctlError('E_ETCD_ACCESS', 'etcd http://127.0.0.1:2379: authentication failed: invalid user name or password while reading /coreos.com/network/config')
  }
  const run = runAgent(h.options, h.deps)
  run.catch(() => {})
  await h.clock.advance(10_000)
  await assert.rejects(run, (error: unknown) => error instanceof FlanctlError && error.code === 'E_ETCD_ACCESS' && error.exitCode === 5 && /authentication failed/.test(error.message))
  assert.equal(reads, 1)
})

test('rules that hang do not hold the routes back: the peer is programmed after the grace period, subnet.env waits', async () => {
  const h = harness()
  h.store.put(peer)
  // iptables-restore stuck on the xtables lock until the runner's timeout kills it
  h.deps.ensureRules = () => sleep(h.clock, DEFAULT_PROGRAM_TIMEOUT_MS).then(() => {
    throw new FlanctlError('E_SYSTEM', 'could not run iptables-restore: no answer within 30 s, killed')
  })
  const run = runAgent(h.options, h.deps)
  run.catch(() => {})
  await h.clock.advance(0)
  assert.deepEqual(h.kernel.routes(), [], 'the routes wait for the rules at first')
  await h.clock.advance(RULES_GRACE_MS)
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'], 'then they start anyway')
  assert.equal(h.writes.length, 0, 'subnet.env still waits for the rules')
  assert.deepEqual(h.ready, [])
  h.controller.abort()
  await h.clock.advance(DEFAULT_PROGRAM_TIMEOUT_MS) // the stop waits for the pass in progress
  assert.equal((await run).reason, 'signal')
})

for (const [field, config] of [
  ['EnableIPv6', '{"Network":"198.18.0.0/16","EnableIPv6":true,"IPv6Network":"fd00:12::/48","Backend":{"Type":"vxlan"}}'],
  ['EnableNFTables', '{"Network":"198.18.0.0/16","EnableNFTables":true,"Backend":{"Type":"vxlan"}}'],
] as const) {
  test(`${field} is refused at once with a clear error (not run half-way)`, async () => {
    const h = harness()
    h.store.config = config
    await assert.rejects(runAgent(h.options, h.deps), (error: unknown) => {
      assert.ok(error instanceof FlanctlError)
      assert.equal(error.code, 'E_INVALID_CONFIG')
      assert.match(error.message, new RegExp(`^/coreos\\.com/network/config: ${field}`))
      return true
    })
    assert.equal(h.store.leases.size, 0, 'no lease was taken')
  })
}

test('a malformed peer lease is warned about once, not at every pass', async () => {
  const h = harness()
  h.store.put(peer)
  h.store.put({...lease('198.18.3.0/24', '192.0.2.13'), attrs: {publicIp: '192.0.2.13', publicIpv6: null, backendType: 'vxlan', backendData: {VNI: 1}}})
  const run = runAgent(h.options, h.deps)
  run.catch(() => {})
  await h.clock.advance(30_000) // six resync passes
  assert.ok(h.kernel.batches.length >= 1)
  assert.equal(h.log.find('skipping lease').length, 1)
  assert.match(String(h.log.find('skipping lease')[0].fields.detail), /198\.18\.3\.0-24.*VtepMAC/)
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  h.controller.abort()
  await run
})
