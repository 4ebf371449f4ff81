// e2e: etcd as a 3-member cluster (203.0.113.1-3 in the switch namespace); with one member stopped
// the agents go on: new leases still reach them, a new host still joins, traffic flows.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {isOurProcess} from '../../src/adapters/netns/processes.js'
import {etcdctl, labUp, leaseValue, parseCidr, pingMatrix, readRoutes, subnetKeyOf, type LabUpResult} from '../../src/lab/index.js'
import {addLabHost, startLabEtcd, stopLabEtcd} from '../helpers/lab-ops.js'
import {e2eLabName, host, removeLab, requireRoot, state, waitFor} from './lab-fixture.js'

const name = e2eLabName('ec')

describe('e2e: a 3-member etcd cluster with one member stopped', () => {
  let up: LabUpResult

  before(async () => {
    requireRoot()
    up = await labUp({name, hosts: 3, backend: 'vxlan', etcdMembers: 3})
  })
  after(async () => {
    await removeLab(name)
  })

  it('the lab starts on the cluster: every agent is given all three endpoints', () => {
    assert.deepEqual(up.etcdEndpoints, ['http://203.0.113.1:2379', 'http://203.0.113.2:2379', 'http://203.0.113.3:2379'])
    assert.equal(up.matrix!.okCount, up.matrix!.total, JSON.stringify(up.matrix!.pairs.filter((p) => !p.ok)))
  })

  it('member 1 stopped: agents keep running, see new leases, a new host joins', async () => {
    // member 1 is the first endpoint every agent was given
    assert.equal(await stopLabEtcd(name, 1), 'stopped')
    const s = state(name)
    const key = `/coreos.com/network/subnets/${subnetKeyOf(parseCidr('198.18.251.0/24')!)}`
    await etcdctl(s, ['put', key, leaseValue('203.0.113.98', 'vxlan', '0a:fb:00:00:00:98')])
    for (const h of s.hosts) {
      await waitFor(`${h.name} programs a lease put while member 1 is down`, async () => (await readRoutes(h.netns)).some((r) => r.dst === '198.18.251.0/24'), 45_000)
    }
    await etcdctl(s, ['del', key])
    const joined = await addLabHost(name)
    const after = state(name)
    for (const h of after.hosts) {
      if (h.name === joined.name) continue
      await waitFor(`${h.name} programs ${joined.name}`, async () => (await readRoutes(h.netns)).some((r) => r.dst === joined.subnet), 45_000)
    }
    for (const h of after.hosts) assert.ok(isOurProcess(h.pid!, h.subnetFile), `agent of ${h.name} still runs`)
    const matrix = await pingMatrix(after.hosts.map((h) => ({host: h.name, netns: h.container.netns, ip: h.container.ip!})))
    assert.equal(matrix.okCount, matrix.total, JSON.stringify(matrix.pairs.filter((p) => !p.ok)))
    await startLabEtcd(name, 1)
    assert.ok(host(state(name), 'h1'))
  })
})
