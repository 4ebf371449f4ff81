// Fault: a 3-member etcd cluster loses its leader, then its quorum (two members down), while two
// agents run. Held before and kept here: the agents keep running and keep the data plane (no
// ping lost between the containers while there is no quorum), and once the quorum is back a
// new peer reaches every host; kernel equal to etcd, no duplicate subnets.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {etcdctl, etcdGetPrefix, labUp, loadState, readRoutes} from '../../src/lab/index.js'
import {etcdctlAt} from '../../src/lab/lab-etcdctl.js'
import {startLabEtcd, stopLabEtcd} from '../helpers/lab-ops.js'
import {expectAgentsRunning, expectKernelMatchesEtcd, expectNoDuplicateSubnets, faultLabName, pingLoop, removeLab, requireRoot, syntheticPeers, waitFor} from './fault-kit.js'

const name = faultLabName('q')

before(async () => {
  requireRoot()
  await labUp({name, hosts: 2, backend: 'vxlan', etcdMembers: 3, ping: false})
})
after(async () => {
  await removeLab(name)
})

/** The member (1..3) that leads now, asked of the members that answer. */
async function leader(): Promise<number | undefined> {
  const state = loadState(name)
  const out = await etcdctlAt(name, state.etcdEndpoints.join(','), ['endpoint', 'status', '-w', 'json'], {reject: false})
  if (out.exitCode !== 0 && out.stdout.trim() === '') return undefined
  const rows = JSON.parse(out.stdout || '[]') as Array<{Endpoint: string; Status: {header: {member_id: number | string}; leader: number | string}}>
  const row = rows.find((r) => String(r.Status.header.member_id) === String(r.Status.leader))
  return row === undefined ? undefined : state.etcdEndpoints.indexOf(row.Endpoint) + 1
}

async function expectPeerReachesHosts(what: string): Promise<void> {
  const state = loadState(name)
  const [peer] = await syntheticPeers(name, 1)
  await etcdctl(state, ['put', peer.key, peer.value])
  for (const h of state.hosts) await waitFor(`${what}: ${h.name} programs a new peer`, async () => (await readRoutes(h.netns)).some((r) => r.dst === peer.subnet), 90_000)
  await etcdctl(state, ['del', peer.key])
  await expectKernelMatchesEtcd(name, what)
}

test('the leader stopped: a new one is elected and a new peer reaches every host', async () => {
  const first = await waitFor('a leader', leader, 60_000)
  assert.equal(await stopLabEtcd(name, first), 'stopped')
  const next = await waitFor('a new leader among the two left', leader, 60_000)
  assert.notEqual(next, first)
  await expectPeerReachesHosts('with a new leader')
  await startLabEtcd(name, first)
})

test('quorum lost (two of three members down): agents run on, no ping lost; back with quorum, a new peer reaches every host', async () => {
  const state = loadState(name)
  const [c1, c2] = state.hosts.map((h) => h.container)
  assert.equal(await stopLabEtcd(name, 2), 'stopped')
  assert.equal(await stopLabEtcd(name, 3), 'stopped')
  // no quorum: a linearizable read fails
  await waitFor('the cluster without quorum refuses reads', async () => (await etcdctlAt(name, state.etcdEndpoints[0], ['get', '/x', '--command-timeout=2s'], {reject: false})).exitCode !== 0, 30_000)
  const ping = await pingLoop(c1.netns, c2.ip!, 75)
  assert.equal(ping.received, ping.transmitted, `c1 -> c2 without quorum: ${ping.output}`)
  expectAgentsRunning(name)
  await startLabEtcd(name, 2)
  await startLabEtcd(name, 3)
  assert.ok((await etcdGetPrefix(loadState(name), `${state.etcdPrefix}/subnets/`)).length >= 2)
  await expectPeerReachesHosts('with quorum back')
  await expectNoDuplicateSubnets(name)
  expectAgentsRunning(name)
})
