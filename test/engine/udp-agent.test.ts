// The whole agent with the udp backend, on fakes: the real backend construction, the real udp
// data plane over a fake `ip` part and fake relays (they start, keep their table, die when told).
// The peer table is the routes loop's desired state; a relay that dies takes /readyz down and is
// restarted with backoff; a stop ends it.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {entryId, entryKinds, type Dataplane, type KernelEntry} from '../../src/core/dataplane-state.js'
import {FlanctlError} from '../../src/core/errors.js'
import {runAgent, type AgentResult} from '../../src/engine/agent.js'
import {deviceRouteKind} from '../../src/backends/udp/device-route-kind.js'
import {udpDeviceKind} from '../../src/backends/udp/device-kind.js'
import {udpDataplane} from '../../src/backends/udp/dataplane.js'
import {RELAY_RESTART_BACKOFF} from '../../src/backends/udp/relay-keeper.js'
import {fakeRelays, type FakeRelays} from '../helpers/fake-relay.js'
import {harness, type Harness} from './agent-fakes.js'
import {lease, PREFIX} from './fakes.js'

const IP_KINDS = entryKinds([udpDeviceKind, deviceRouteKind])
const udpPeer = lease('198.18.2.0/24', '192.0.2.12', {backendType: null})
const vxlanPeer = lease('198.18.3.0/24', '192.0.2.13')

interface UdpHarness extends Harness {
  relays: FakeRelays
  /** flannel0's attributes and route as the fake `ip` holds them */
  ipEntries: Map<string, KernelEntry>
}

function udpHarness(config = '{"Network":"198.18.0.0/16"}'): UdpHarness {
  const h = harness() as UdpHarness
  h.store.config = config
  h.relays = fakeRelays()
  h.ipEntries = new Map()
  const ip: Dataplane = {
    kinds: IP_KINDS,
    observe: async () => [...h.ipEntries.values()],
    apply: async (ops) => {
      for (const op of ops) {
        if (op.verb === 'replace') h.ipEntries.set(entryId(IP_KINDS, op.entry), op.entry)
        else h.ipEntries.delete(entryId(IP_KINDS, op.entry))
      }
    },
  }
  h.deps.platform = {...h.deps.platform, startUdpRelay: () => h.relays.start(), udpDataplane: (options) => udpDataplane(ip, options.relay)}
  return h
}

async function start(h: Harness): Promise<{run: Promise<AgentResult>}> {
  const run = runAgent(h.options, h.deps)
  run.catch(() => {})
  await h.clock.advance(0)
  return {run}
}

const table = (h: UdpHarness, index = -1) => h.relays.started.at(index)!.peers.map((p) => `${p.subnet}/${p.prefixLen} ${p.publicIp}`)

test('a config without Backend runs udp: MTU 1472, a lease without BackendType, flannel0 and its route, udp peers in the relay', async () => {
  const h = udpHarness()
  h.store.put(udpPeer)
  h.store.put(vxlanPeer)
  const {run} = await start(h)
  assert.equal(h.relays.started.length, 1)
  assert.equal(h.files.get('/run/flannel/subnet.env'), 'FLANNEL_NETWORK=198.18.0.0/16\nFLANNEL_SUBNET=198.18.1.1/24\nFLANNEL_MTU=1472\nFLANNEL_IPMASQ=true\n')
  const own = h.store.leases.get(`${PREFIX}/subnets/198.18.1.0-24`)!
  assert.deepEqual(own.attrs, {publicIp: '192.0.2.11', publicIpv6: null})
  assert.deepEqual([...h.ipEntries.values()], [
    {kind: 'udp-device', dev: 'flannel0', address: 0xc6120100, mtu: 1472, up: true},
    {kind: 'device-route', dst: {ip: 0xc6120000, prefixLen: 16}, dev: 'flannel0'},
  ])
  // the udp peer only: the vxlan lease is another backend's
  assert.deepEqual(table(h), [`${0xc6120200}/24 ${0xc000020c}`])
  assert.deepEqual(h.log.find('backend ready')[0].fields, {type: 'udp', mtu: 1472, device: 'flannel0', port: 8285, bind: '192.0.2.11'})
  await h.clock.advance(1000) // idle
  h.store.delete(udpPeer.key)
  await h.clock.advance(0)
  assert.deepEqual(table(h), [], 'a deleted lease leaves the relay table through the same loop')
  await stop(h, run)
})

test('the config\'s Port goes to the relay', async () => {
  const h = udpHarness('{"Network":"198.18.0.0/16","Backend":{"Type":"udp","Port":7890}}')
  let port = 0
  h.deps.platform = {...h.deps.platform, startUdpRelay: (options) => ((port = options.port), h.relays.start())}
  const {run} = await start(h)
  assert.equal(port, 7890)
  await stop(h, run)
})

test('a relay that dies: logged, /readyz down, restarted after the backoff, its table and flannel0 set again, /readyz up', async () => {
  const h = udpHarness()
  h.store.put(udpPeer)
  const {run} = await start(h)
  assert.deepEqual(h.ready, [true])
  h.ipEntries.clear() // a new TUN device has none of the old one's attributes
  h.relays.started[0]!.die('flannel0 failed (poll events 0x8)')
  await h.clock.advance(0)
  assert.deepEqual(h.ready, [true, false])
  assert.equal(h.log.find('udp relay failed')[0].fields.error, 'flannel0 failed (poll events 0x8)')
  assert.equal(h.relays.started.length, 1, 'not restarted before the backoff')
  await h.clock.advance(RELAY_RESTART_BACKOFF.initialMs)
  assert.equal(h.relays.started.length, 2)
  assert.deepEqual(h.ready, [true, false, true])
  assert.equal(h.log.find('udp relay restarted').length, 1)
  assert.deepEqual(table(h), [`${0xc6120200}/24 ${0xc000020c}`], 'the routes loop gave the new relay the table')
  assert.ok([...h.ipEntries.values()].some((e) => e.kind === 'udp-device'), 'flannel0 got its attributes again')
  await stop(h, run)
})

test('a restart that fails is retried with a growing delay; /readyz stays down meanwhile', async () => {
  const h = udpHarness()
  const {run} = await start(h)
  h.relays.failStarts = 'open /dev/net/tun: No such device'
  h.relays.started[0]!.die('gone')
  await h.clock.advance(RELAY_RESTART_BACKOFF.initialMs)
  assert.equal(h.log.find('udp relay restart failed')[0].fields.error, 'open /dev/net/tun: No such device')
  assert.equal(h.log.find('udp relay restart failed')[0].fields.retryInMs, 2 * RELAY_RESTART_BACKOFF.initialMs)
  h.relays.failStarts = undefined
  await h.clock.advance(2 * RELAY_RESTART_BACKOFF.initialMs - 1)
  assert.equal(h.relays.started.length, 1)
  assert.deepEqual(h.ready, [true, false])
  await h.clock.advance(1)
  assert.equal(h.relays.started.length, 2)
  assert.deepEqual(h.ready, [true, false, true])
  await stop(h, run)
})

test('SIGTERM stops the relay (flannel0 goes with it) and the agent exits', async () => {
  const h = udpHarness()
  const {run} = await start(h)
  assert.deepEqual(await stop(h, run), {reason: 'signal', subnet: '198.18.1.0/24'})
  assert.equal(h.relays.started[0]!.stopped, true)
  assert.equal(h.log.find('udp relay failed').length, 0, 'a stop is not a failure')
  assert.deepEqual(h.log.find('udp relay stopped')[0].fields, {tunPackets: 3, udpPackets: 2, noRoute: 1, dropped: 0, note: 'flannel0 removed with it'}, 'its counters, unknown destinations included')
})

test('a relay that cannot start fails `up` at once, naming the device and the port', async () => {
  const h = udpHarness()
  h.relays.failStarts = 'bind udp 192.0.2.11:8285: Address already in use (errno 98)'
  await assert.rejects(runAgent(h.options, h.deps), (error: unknown) => {
    assert.ok(error instanceof FlanctlError)
    assert.equal(error.code, 'E_SYSTEM')
    assert.match(error.message, /udp relay could not start \(flannel0, udp 192\.0\.2\.11:8285\): bind udp .*Address already in use/)
    return true
  })
})

async function stop(h: Harness, run: Promise<AgentResult>): Promise<AgentResult> {
  h.controller.abort()
  return run
}
