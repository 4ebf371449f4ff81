// Fault: 50 agents joining one network at once: 49 are started while etcd is down, so that they
// all read the config and race for leases in the same moments once it is back. Held
// before and kept here: 50 distinct subnets, one lease per host, every host's kernel holds a
// route (and for vxlan a neighbour and fdb entry) for each of the 49 others, and traffic flows
// between the first and the last container.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {completeHost, newHostRecord, provisionHost} from '../../src/lab/lab-host.js'
import {labUp, loadState} from '../../src/lab/index.js'
import {startLabEtcd, stopLabEtcd} from '../helpers/lab-ops.js'
import {expectAgentsRunning, expectKernelMatchesEtcd, expectNoDuplicateSubnets, faultLabName, pingLoop, removeLab, requireRoot} from './fault-kit.js'

const name = faultLabName('j')
const HOSTS = 50

before(async () => {
  requireRoot()
  await labUp({name, hosts: 1, backend: 'vxlan', ping: false})
  assert.equal(await stopLabEtcd(name, 1), 'stopped')
  const waiting = loadState(name)
  for (let i = 2; i <= HOSTS; i++) await provisionHost(waiting, newHostRecord(waiting, i, 'flanctl'))
  await startLabEtcd(name, 1)
  const state = loadState(name)
  await Promise.all(state.hosts.slice(1).map((h) => completeHost(state, h, 240_000)))
})
after(async () => {
  await removeLab(name)
})

test(`${HOSTS} agents join at once: distinct subnets, every host programs every other`, async () => {
  assert.equal(loadState(name).hosts.length, HOSTS)
  await expectNoDuplicateSubnets(name)
  await expectKernelMatchesEtcd(name, `${HOSTS} joins`, 180_000)
  const state = loadState(name)
  const first = state.hosts[0].container
  const last = state.hosts[HOSTS - 1].container
  for (const [from, to] of [[first, last], [last, first]]) {
    const ping = await pingLoop(from.netns, to.ip!, 5)
    assert.equal(ping.received, ping.transmitted, `${from.netns} -> ${to.ip}: ${ping.output}`)
  }
  expectAgentsRunning(name)
})
