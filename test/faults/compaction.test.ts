// Fault: etcd compacted again and again while the leases change under the agents' watches, and
// one agent frozen (SIGSTOP) through part of it, so that its watch falls behind the compacted
// revision. Held before and kept here: after the storm every host's kernel equals etcd (peers
// that came are programmed, peers that went are gone), and no subnet is held twice.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {etcdctl, labUp, loadState} from '../../src/lab/index.js'
import {expectAgentsRunning, expectKernelMatchesEtcd, expectNoDuplicateSubnets, faultLabName, kernelVsEtcd, removeLab, requireRoot, syntheticPeers} from './fault-kit.js'

const name = faultLabName('c')
const ROUNDS = 60
const PEERS = 20

before(async () => {
  requireRoot()
  await labUp({name, hosts: 2, backend: 'vxlan', ping: false})
})
after(async () => {
  const h2 = loadState(name).hosts[1]
  if (h2?.pid !== undefined) try { process.kill(h2.pid, 'SIGCONT') } catch { /* gone */ }
  await removeLab(name)
})

async function revision(): Promise<number> {
  const out = await etcdctl(loadState(name), ['get', '/', '--prefix', '--keys-only', '--limit', '1', '-w', 'json'])
  return Number((JSON.parse(out.stdout) as {header: {revision: number}}).header.revision)
}

test(`${ROUNDS} compactions among lease puts and deletes, one agent frozen through half: kernel equals etcd after`, async () => {
  const state = loadState(name)
  await expectKernelMatchesEtcd(name, 'before the storm')
  const peers = await syntheticPeers(name, PEERS)
  const h2 = state.hosts[1]
  let compactions = 0
  for (let round = 0; round < ROUNDS; round++) {
    if (round === ROUNDS / 4) process.kill(h2.pid!, 'SIGSTOP')
    if (round === (3 * ROUNDS) / 4) process.kill(h2.pid!, 'SIGCONT')
    const peer = peers[round % PEERS]
    // a peer comes on even passes over the list, goes on odd ones
    if (Math.floor(round / PEERS) % 2 === 0) await etcdctl(state, ['put', peer.key, peer.value])
    else await etcdctl(state, ['del', peer.key])
    await etcdctl(state, ['compact', String(await revision())])
    compactions++
    // the check below can fail: a frozen agent cannot program the peer just put
    if (round === ROUNDS / 4) assert.match(await kernelVsEtcd(name) ?? '', /h2: [1-9]\d* routes missing/)
  }
  assert.equal(compactions, ROUNDS)
  // ROUNDS = 3 passes over the peers: put all, delete all, put all
  await expectKernelMatchesEtcd(name, 'after the compaction storm')
  await expectNoDuplicateSubnets(name)
  expectAgentsRunning(name)
})
