// Fault: etcd killed (SIGKILL) under two running agents and kept down, then started again. Held
// before and kept here: the agents keep running and keep every peer's kernel entries, no ping
// between the containers is lost through the outage, and once etcd is back a new peer put and
// deleted reaches every host's kernel (the watch recovered); kernel equal to etcd, no duplicate
// subnets.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {etcdctl, labUp, loadState, readRoutes} from '../../src/lab/index.js'
import {startLabEtcd, stopLabEtcd} from '../helpers/lab-ops.js'
import {expectAgentsRunning, expectKernelMatchesEtcd, expectNoDuplicateSubnets, faultLabName, logMark, pingLoop, removeLab, requireRoot, syntheticPeers, waitFor, waitForLog} from './fault-kit.js'

const name = faultLabName('o')
/** how long etcd stays down (the fault's size), as pings at 5 per second */
const OUTAGE_PINGS = 100

before(async () => {
  requireRoot()
  await labUp({name, hosts: 2, backend: 'vxlan', ping: false})
})
after(async () => {
  await removeLab(name)
})

test('etcd killed and down for 100 pings (20 s): agents run on, no ping lost, the watch recovers', async () => {
  const state = loadState(name)
  await expectKernelMatchesEtcd(name, 'before the outage')
  const [c1, c2] = state.hosts.map((h) => h.container)
  const pinging = pingLoop(c1.netns, c2.ip!, OUTAGE_PINGS + 25)
  const marks = state.hosts.map(logMark)
  assert.equal(await stopLabEtcd(name, 1, 'SIGKILL'), 'stopped') // SIGKILL itself ended it
  // the agents notice (their watch degrades) and their kernel stays
  for (const [i, h] of state.hosts.entries()) await waitForLog(h, marks[i], /degraded.*loop=watch/, 'the watch degrades')
  const during = await pingLoop(c2.netns, c1.ip!, OUTAGE_PINGS)
  assert.equal(during.received, during.transmitted, `c2 -> c1 during the outage: ${during.output}`)
  assert.equal(await kernelVsEtcdOffline(name), undefined)
  expectAgentsRunning(name)
  const restartMarks = state.hosts.map(logMark)
  await startLabEtcd(name, 1)
  for (const [i, h] of state.hosts.entries()) await waitForLog(h, restartMarks[i], /leases listed again/, 'the watch lists again once etcd is back')
  const ping = await pinging
  assert.equal(ping.received, ping.transmitted, `c1 -> c2 through the outage: ${ping.output}`)

  const [peer] = await syntheticPeers(name, 1)
  await etcdctl(state, ['put', peer.key, peer.value])
  for (const h of state.hosts) await waitFor(`${h.name} programs a peer put after the outage`, async () => (await readRoutes(h.netns)).some((r) => r.dst === peer.subnet), 90_000)
  await expectKernelMatchesEtcd(name, 'after the outage, with a new peer')
  await etcdctl(state, ['del', peer.key])
  await expectKernelMatchesEtcd(name, 'after the new peer left')
  await expectNoDuplicateSubnets(name)
  expectAgentsRunning(name)
})

/** With etcd down the leases cannot be read: compare with the routes each host had before (its peers are the other hosts). */
async function kernelVsEtcdOffline(labName: string): Promise<string | undefined> {
  const state = loadState(labName)
  for (const h of state.hosts) {
    const routes = new Set((await readRoutes(h.netns)).map((r) => r.dst))
    for (const peer of state.hosts) if (peer !== h && !routes.has(peer.subnet!)) return `${h.name} lost its route to ${peer.name}`
  }
  return undefined
}
