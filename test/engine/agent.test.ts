// The whole agent on fakes: in-memory etcd, kernel, files and clock. Asserts on what was done
// (recorded operations), the final state and the log lines.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {forwardRules, masqRules} from '../../src/core/masq-rules.js'
import {FlanctlError} from '../../src/core/errors.js'
import {runAgent, type AgentResult} from '../../src/engine/agent.js'
import {WATCH_DELAY_MAX_MS} from '../../src/engine/run-loops.js'
import {harness, type Harness} from './agent-fakes.js'
import {lease, PREFIX} from './fakes.js'

const HOUR = 3_600_000
const peerA = lease('198.18.2.0/24', '192.0.2.12', {vtepMac: '0a:00:00:00:02:01'})
const peerB = lease('198.18.3.0/24', '192.0.2.13', {vtepMac: '0a:00:00:00:03:01'})

/** Starts the agent and lets it get as far as it can at time 0 (wrapped: an async function would wait for it). */
async function start(h: Harness): Promise<{run: Promise<AgentResult>}> {
  const run = runAgent(h.options, h.deps)
  run.catch(() => {}) // observed by the test later
  await h.clock.advance(0)
  return {run}
}

async function stop(h: Harness, run: Promise<AgentResult>): Promise<AgentResult> {
  h.controller.abort()
  return run
}

test('startup: lease, backend, rules, subnet.env, then READY, in that order; the existing peer is programmed', async () => {
  const h = harness()
  h.store.put(peerA)
  const {run} = await start(h)
  // after READY, the routes' first pass checks the device (desired state too) before it observes
  assert.deepEqual(h.events, ['lease 198.18.1.0/24', 'activate 198.18.1.0/24', 'rules', 'write subnet.env', 'notify', 'activate 198.18.1.0/24'])
  assert.equal(h.files.get('/run/flannel/subnet.env'), 'FLANNEL_NETWORK=198.18.0.0/16\nFLANNEL_SUBNET=198.18.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n')
  assert.deepEqual(h.ready, [true])
  assert.match(h.notified[0], /subnet 198\.18\.1\.0\/24/)
  const own = h.store.leases.get(`${PREFIX}/subnets/198.18.1.0-24`)
  assert.equal(own?.attrs.publicIp, '192.0.2.11')
  assert.deepEqual(h.kernel.ids(), ['fdb flannel.1 0a:00:00:00:02:01', 'neigh flannel.1 198.18.2.0', 'route 198.18.2.0/24'])
  const network = {ip: 0xc6120000, prefixLen: 16}
  assert.deepEqual(h.rules[0].rules, [...masqRules({network, subnet: {ip: 0xc6120100, prefixLen: 24}, randomFully: false}), ...forwardRules(network)])
  assert.equal(h.store.lists, 1, 'one list at start: the one the lease was chosen from')
  assert.deepEqual(h.store.preparedGrants, [86_400], 'the etcd lease is granted beside the reads (spare-grant.ts)')
  assert.equal(h.kernel.observations, 1, 'the kernel read beside the rules\' first pass is the routes\' first observation')
  assert.equal(h.store.watchedFrom[0], '2', 'the watch starts at the revision of that list (our own create comes through it)')
  for (const line of ['network config', 'external interface', 'lease acquired', 'backend ready', 'subnet file written', 'ready']) {
    assert.equal(h.log.find(line).length, 1, `one "${line}" line`)
  }
  assert.deepEqual(h.log.find('lease acquired')[0].fields, {subnet: '198.18.1.0/24', how: 'new', key: `${PREFIX}/subnets/198.18.1.0-24`, expires: '24h'})
  assert.deepEqual(h.log.find('pass applied 3 changes')[0].fields, {loop: 'routes', replace: 3, delete: 0, reasons: 'start'})
  assert.deepEqual(await stop(h, run), {reason: 'signal', subnet: '198.18.1.0/24'})
})

test('a peer added and removed through the watch is programmed and unprogrammed; own lease and other backends ignored', async () => {
  const h = harness()
  const {run} = await start(h)
  assert.deepEqual(h.kernel.ids(), [])
  await h.clock.advance(1000) // idle
  h.store.put(peerA)
  await h.clock.advance(0) // the first event after idle is programmed at once
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  assert.equal(h.log.find('peer added')[0].fields.subnet, '198.18.2.0/24')

  // our own lease renewed by someone / another backend's lease: nothing to program
  h.store.put({...h.store.leases.get(`${PREFIX}/subnets/198.18.1.0-24`)!, etcdLeaseId: '77'})
  h.store.put(lease('198.18.9.0/24', '192.0.2.19', {backendType: 'host-gw'}))
  await h.clock.advance(200)
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  assert.equal(h.log.find('ignoring lease of another backend type').length, 1)

  h.store.delete(peerA.key)
  await h.clock.advance(200)
  assert.deepEqual(h.kernel.ids(), [])
  assert.equal(h.log.find('peer removed')[0].fields.subnet, '198.18.2.0/24')
  assert.deepEqual(h.log.find('pass applied 3 changes').map((r) => r.fields.delete), [0, 3])
  await stop(h, run)
})

test('a route deleted by hand is back after the periodic resync', async () => {
  const h = harness()
  h.store.put(peerA)
  const {run} = await start(h)
  h.kernel.remove('route 198.18.2.0/24')
  await h.clock.advance(29_999) // the 5 s checks look at the device only
  assert.deepEqual(h.kernel.routes(), [])
  await h.clock.advance(1) // the full resync reads the kernel
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  const last = h.kernel.batches[h.kernel.batches.length - 1]
  assert.deepEqual(last.ops.map((op) => `${op.verb} ${op.entry.kind}`), ['replace route'], 'only the missing entry is replaced')
  assert.match(String(h.log.find('pass applied 1 change')[0].fields.reasons), /^resync/)
  await stop(h, run)
})

test('a failed apply is retried with backoff until it works, logging degraded then recovered', async () => {
  const h = harness()
  const {run} = await start(h)
  h.kernel.failApplies = 3
  h.store.put(peerA)
  await h.clock.advance(2000)
  // the start pass ran at 0, so this one waits for the 100 ms interval; then backoff 100, 200, 400
  assert.deepEqual(h.kernel.batches.map((b) => b.at), [100, 200, 400, 800])
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  assert.equal(h.log.find('degraded').length, 1)
  assert.match(String(h.log.find('degraded')[0].fields.error), /Network is unreachable/)
  assert.equal(h.log.find('recovered').length, 1)
  await stop(h, run)
})

test('a burst of lease events makes few passes, and the last event is programmed', async () => {
  const h = harness()
  const {run} = await start(h)
  const before = h.kernel.batches.length
  for (let i = 0; i < 50; i++) {
    h.store.put(lease(`198.18.${10 + i}.0/24`, `192.0.2.${100 + i}`))
    if (i % 10 === 9) await h.clock.advance(20)
  }
  await h.clock.advance(500)
  assert.equal(h.kernel.routes().length, 50)
  const passes = h.kernel.batches.length - before
  assert.ok(passes <= 3, `${passes} passes for 50 events in 100 ms`)
  await stop(h, run)
})

test('our own lease deleted from etcd stops the agent with a clear error; kernel state stays', async () => {
  const h = harness()
  h.store.put(peerA)
  const {run} = await start(h)
  h.store.delete(`${PREFIX}/subnets/198.18.1.0-24`)
  await h.clock.advance(0)
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof FlanctlError)
    assert.equal(error.code, 'E_NOT_FOUND')
    assert.match(error.message, /our lease \/coreos\.com\/network\/subnets\/198\.18\.1\.0-24 \(198\.18\.1\.0\/24\) was deleted from etcd \(etcd http:\/\/127\.0\.0\.1:2379/)
    assert.ok(error.exitCode !== 0)
    return true
  })
  assert.equal(h.log.find('own lease deleted').length, 1)
  assert.equal(h.log.find('own lease deleted')[0].level, 'error')
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'], 'routes are left in place')
  assert.equal(h.store.sinks.length, 0, 'the watch is closed')
  assert.deepEqual(h.clock.pending(), [], 'no timers left running')
})

test('config missing, then etcd unreachable: retried with backoff, each line naming the key and the endpoints', async () => {
  const h = harness()
  h.store.config = undefined
  const run = runAgent(h.options, h.deps)
  await h.clock.advance(700) // attempts at 0, 100, 300, 700
  h.store.unreachable = true
  await h.clock.advance(800) // 1500
  h.store.unreachable = false
  h.store.config = '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'
  await h.clock.advance(1600) // 3100
  const failures = h.log.find('reading the network config failed')
  assert.equal(failures.length, 5)
  for (const f of failures) {
    assert.equal(f.level, 'warn')
    assert.equal(f.fields.key, '/coreos.com/network/config')
    assert.equal(f.fields.etcd, 'etcd http://127.0.0.1:2379 prefix /coreos.com/network')
  }
  assert.deepEqual(failures.map((f) => f.fields.code), ['E_NO_CONFIG', 'E_NO_CONFIG', 'E_NO_CONFIG', 'E_NO_CONFIG', 'E_ETCD_UNREACHABLE'])
  assert.deepEqual(failures.map((f) => f.fields.retryIn), ['100ms', '200ms', '400ms', '800ms', '1.6s'])
  assert.match(String(failures[0].fields.error), /no network config at \/coreos\.com\/network\/config/)
  assert.match(String(failures[0].fields.hint), /--etcd-prefix \/atomic\.io\/network/, 'points at the config found elsewhere')
  assert.equal(failures[1].fields.hint, undefined, 'the same hint is not repeated')
  assert.match(String(failures[4].fields.error), /ECONNREFUSED/)
  assert.equal(h.log.find('ready').length, 1, 'started once the config appeared')
  await stop(h, run)
})

test('SIGTERM while waiting for the config stops at once', async () => {
  const h = harness()
  h.store.config = undefined
  const run = runAgent(h.options, h.deps)
  await h.clock.advance(1000)
  h.controller.abort()
  assert.deepEqual(await run, {reason: 'signal', subnet: undefined})
  assert.deepEqual(h.clock.pending(), [])
  assert.equal(h.writes.length, 0)
})

test('SIGTERM when running: resolves, leaves lease, kernel state and subnet.env, stops all timers', async () => {
  const h = harness()
  h.store.put(peerA)
  const {run} = await start(h)
  await stop(h, run)
  assert.ok(h.store.leases.has(`${PREFIX}/subnets/198.18.1.0-24`))
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  assert.deepEqual(h.ready, [true, false])
  assert.equal(h.log.find('stopping').length, 1)
  assert.deepEqual(h.clock.pending(), [])
  assert.equal(h.store.sinks.length, 0)
})

test('the lease is renewed the margin before it expires', async () => {
  const h = harness({renewMarginMinutes: 120})
  const {run} = await start(h)
  await h.clock.advance(22 * HOUR - 1)
  assert.equal(h.store.renewals.length, 0)
  await h.clock.advance(1)
  assert.deepEqual(h.store.renewals, [{key: `${PREFIX}/subnets/198.18.1.0-24`, ttl: 86_400}])
  assert.equal(h.log.find('lease renewed').length, 1)
  await stop(h, run)
})

test('subnet.env and READY wait for the rules; rules are re-checked every --iptables-resync seconds', async () => {
  const h = harness({iptablesResyncSeconds: 7})
  h.rulesFailures = 2
  const {run} = await start(h)
  assert.equal(h.writes.length, 0, 'not written while the rules fail')
  assert.deepEqual(h.ready, [])
  await h.clock.advance(300)
  assert.equal(h.writes.length, 1)
  assert.equal(h.writes[0].at, 300)
  assert.deepEqual(h.ready, [true])
  const before = h.rules.length
  await h.clock.advance(14_000)
  assert.deepEqual(h.rules.slice(before).map((r) => r.at), [7000, 14_000])
  await stop(h, run)
})

test('the routes are programmed after subnet.env, or at once while the rules fail', async () => {
  const ok = harness()
  ok.store.put(peerA)
  const apply = ok.kernel.apply.bind(ok.kernel)
  ok.kernel.apply = async (ops) => {
    ok.events.push('routes')
    return apply(ops)
  }
  const first = await start(ok)
  assert.deepEqual(ok.events, ['lease 198.18.1.0/24', 'activate 198.18.1.0/24', 'rules', 'write subnet.env', 'notify', 'activate 198.18.1.0/24', 'routes'])
  await stop(ok, first.run)

  const failing = harness()
  failing.store.put(peerA)
  failing.rulesFailures = 3
  const second = await start(failing)
  assert.equal(failing.writes.length, 0, 'subnet.env waits for the rules')
  assert.deepEqual(failing.kernel.routes(), ['198.18.2.0/24'], 'the peer is reachable meanwhile')
  await stop(failing, second.run)
})

test('no --ip-masq and --iptables-forward-rules=false: no rules at all', async () => {
  const h = harness({ipMasq: false, iptablesForwardRules: false})
  const {run} = await start(h)
  assert.deepEqual(h.rules, [])
  assert.match(h.files.get('/run/flannel/subnet.env')!, /FLANNEL_IPMASQ=false/)
  await stop(h, run)
})

test('the previous subnet.env is read and its subnet asked for again', async () => {
  const h = harness()
  h.files.set('/run/flannel/subnet.env', 'FLANNEL_NETWORK=198.18.0.0/16\nFLANNEL_SUBNET=198.18.42.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n')
  const {run} = await start(h)
  assert.equal(h.events[0], 'lease 198.18.42.0/24')
  assert.match(h.files.get('/run/flannel/subnet.env')!, /FLANNEL_SUBNET=198\.18\.42\.1\/24/)
  assert.equal(h.log.find('lease acquired')[0].fields.how, 'previous')
  await stop(h, run)
})

test('a restart reuses our lease (found by public IP)', async () => {
  const h = harness()
  h.store.put(lease('198.18.77.0/24', '192.0.2.11'))
  const {run} = await start(h)
  assert.equal(h.log.find('lease acquired')[0].fields.how, 'reuse')
  assert.match(h.files.get('/run/flannel/subnet.env')!, /FLANNEL_SUBNET=198\.18\.77\.1\/24/)
  await stop(h, run)
})

test('an unsupported backend fails at once, naming the config key', async () => {
  const h = harness()
  h.store.config = '{"Network":"198.18.0.0/16","Backend":{"Type":"wireguard"}}'
  await assert.rejects(runAgent(h.options, h.deps), (error: unknown) => {
    assert.ok(error instanceof FlanctlError)
    assert.equal(error.code, 'E_INVALID_CONFIG')
    assert.match(error.message, /backend wireguard in \/coreos\.com\/network\/config is not supported by flanctl up \(supported: vxlan, host-gw, udp\)/)
    return true
  })
})

test('an --iface that does not exist fails at once, naming it', async () => {
  const h = harness({ifaces: ['eth9']})
  await assert.rejects(runAgent(h.options, h.deps), (error: unknown) => error instanceof FlanctlError && error.code === 'E_USAGE' && /eth9/.test(error.message))
})

test('etcd down while running: the watch logs degraded, renewals retry every minute, routes stay', async () => {
  const h = harness({renewMarginMinutes: 1})
  h.store.put(peerA)
  const {run} = await start(h)
  h.store.unreachable = true
  for (const sink of h.store.sinks) sink.onError(new Error('etcd http://127.0.0.1:2379 unreachable'))
  await h.clock.advance(24 * HOUR - 60_000 + 120_000)
  assert.equal(h.log.find('degraded').filter((r) => r.fields.loop === 'watch').length, 1)
  assert.equal(h.log.find('lease renewal failed').length, 3)
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  h.store.unreachable = false
  for (const sink of h.store.sinks) sink.onResync(await h.store.listLeases())
  await h.clock.advance(60_000)
  assert.equal(h.log.find('recovered').filter((r) => r.fields.loop === 'watch').length, 1)
  assert.equal(h.log.find('lease renewed').length, 1)
  await stop(h, run)
})

test('passes caused only by lease events do not read the kernel; resync and retries do', async () => {
  const h = harness()
  const {run} = await start(h)
  const afterStart = h.kernel.observations
  assert.equal(afterStart, 1)
  h.store.put(peerA)
  await h.clock.advance(200)
  h.store.put(peerB)
  await h.clock.advance(200)
  assert.equal(h.kernel.observations, afterStart, 'event passes start from the state the last pass left')
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24', '198.18.3.0/24'])
  h.kernel.failApplies = 1
  h.store.delete(peerA.key)
  await h.clock.advance(200) // fails, then the retry reads the kernel
  assert.equal(h.kernel.observations, afterStart + 1)
  assert.deepEqual(h.kernel.routes(), ['198.18.3.0/24'])
  await h.clock.advance(5000)
  assert.equal(h.kernel.observations, afterStart + 1, 'the 5 s check does not read the kernel')
  await h.clock.advance(25_000)
  assert.equal(h.kernel.observations, afterStart + 2, 'the full resync does')
  await stop(h, run)
})

test('a bad --iface fails at once even while the config is missing, and the config retries end', async () => {
  const h = harness({ifaces: ['eth9']})
  h.store.config = undefined
  const run = runAgent(h.options, h.deps)
  run.catch(() => {})
  await h.clock.advance(0)
  await assert.rejects(run, (error: unknown) => error instanceof FlanctlError && error.code === 'E_USAGE' && /eth9/.test(error.message))
  await h.clock.advance(10_000)
  assert.deepEqual(h.clock.pending(), [])
  assert.ok(h.log.find('reading the network config failed').length <= 1)
})

test('the leases listed while the config was missing are not used later: the acquisition lists again and sees the peer that came meanwhile', async () => {
  const h = harness()
  h.store.config = undefined
  const {run} = await start(h)
  assert.equal(h.store.lists, 1, 'listed early, beside the config read')
  await h.clock.advance(5000) // the config retries, the early list grows old
  h.store.put(peerA)
  h.store.config = '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'
  await h.clock.advance(60_000)
  assert.equal(h.store.lists, 2, 'the stale early list was not taken: listed again')
  assert.deepEqual(h.kernel.routes(), ['198.18.2.0/24'])
  assert.equal(h.log.find('leases listed')[0].fields.peers, 1, 'the peer book starts from the fresh list')
  await stop(h, run)
})

test('the watch starts once the routes\' first pass is done, and does not wait for a pass that hangs', async () => {
  const h = harness()
  h.store.put(peerA)
  let release = (): void => {}
  const apply = h.kernel.apply.bind(h.kernel)
  h.kernel.apply = async (ops) => {
    await new Promise<void>((resolve) => (release = resolve))
    return apply(ops)
  }
  const {run} = await start(h)
  assert.deepEqual(h.store.watchedFrom, [], 'no watch while the first pass runs')
  await h.clock.advance(WATCH_DELAY_MAX_MS)
  assert.deepEqual(h.store.watchedFrom, ['2'], 'the watch starts anyway, at the list\'s revision')
  release()
  await stop(h, run)
})
