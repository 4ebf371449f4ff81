// Fault: 2,000 peers, then 10 lease changes a second among them for a minute (peers leaving and
// coming back), under two running agents. Held before and kept here: once the churn stops,
// every host's kernel equals etcd (routes, neighbours and fdb entries), and the agents run on.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {labUp, loadState} from '../../src/lab/index.js'
import {EtcdDriver} from '../../bench/lib/etcd-driver-client.js'
import {expectAgentsRunning, expectKernelMatchesEtcd, expectNoDuplicateSubnets, faultLabName, removeLab, requireRoot, syntheticPeers, type SyntheticPeer} from './fault-kit.js'

const name = faultLabName('p')
const PEERS = 2000
const CHANGES_PER_SECOND = 10
const SECONDS = 60

before(async () => {
  requireRoot()
  // /27s in a /16: 2,048 subnets, room for the peers and the hosts
  await labUp({name, hosts: 2, backend: 'vxlan', network: '198.18.0.0/16', subnetLen: 27, ping: false})
})
after(async () => {
  await removeLab(name)
})

/** A small seeded generator: the same churn on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

test(`${PEERS} peers, then ${CHANGES_PER_SECOND} changes a second for ${SECONDS} s: kernel equals etcd after`, async () => {
  const state = loadState(name)
  const peers = await syntheticPeers(name, PEERS)
  const driver = new EtcdDriver(state.hosts[0].netns, state.etcdEndpoints, `${state.etcdPrefix}/subnets/`)
  try {
    await driver.ready()
    for (let i = 0; i < PEERS; i += 500) await driver.txn(peers.slice(i, i + 500).map((p) => [p.key, p.value]))
    await expectKernelMatchesEtcd(name, `${PEERS} peers put`, 180_000)
    const random = seeded(10)
    const present = new Set(peers)
    const absent = new Set<SyntheticPeer>()
    const pick = (from: Set<SyntheticPeer>) => [...from][Math.floor(random() * from.size)]
    let changes = 0
    const started = Date.now()
    for (let second = 0; second < SECONDS; second++) {
      const leaving: SyntheticPeer[] = []
      const coming: SyntheticPeer[] = []
      for (let c = 0; c < CHANGES_PER_SECOND; c++) {
        if (absent.size > 0 && (random() < 0.5 || present.size < PEERS / 2)) {
          const peer = pick(absent)
          absent.delete(peer)
          present.add(peer)
          coming.push(peer)
        } else {
          const peer = pick(present)
          present.delete(peer)
          absent.add(peer)
          leaving.push(peer)
        }
      }
      if (leaving.length > 0) await driver.del(leaving.map((p) => p.key))
      if (coming.length > 0) await driver.txn(coming.map((p) => [p.key, p.value]))
      changes += leaving.length + coming.length
      // pace: one batch a second (the churn's rate, not an assertion)
      const due = started + (second + 1) * 1000
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()))
    }
    assert.equal(changes, CHANGES_PER_SECOND * SECONDS)
    await expectKernelMatchesEtcd(name, `after ${changes} changes`, 180_000)
    await expectNoDuplicateSubnets(name)
    expectAgentsRunning(name)
  } finally {
    await driver.close()
  }
})
