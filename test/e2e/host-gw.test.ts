// e2e, host-gw: 3 hosts on one L2 bridge, routes via each peer's public IP.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {runCommand} from '../../src/adapters/netns/run-command.js'
import {
  etcdctl, etcdGetPrefix, forwardRuleLines, labUp, leaseValue, masqRuleLines, numberToIp4, parseCidr,
  pingMatrix, readIptables, readRoutes, readVxlanDevice, subnetKeyOf, type LabState, type LabUpResult,
} from '../../src/lab/index.js'
import {addLabHost} from '../helpers/lab-ops.js'
import {e2eLabName, host, leaseOf, readText, removeLab, requireRoot, state, waitFor} from './lab-fixture.js'

const name = e2eLabName('eg')
const NETWORK = '198.18.0.0/16'

async function routeVia(labState: LabState, on: string, peer: string): Promise<boolean> {
  const p = host(labState, peer)
  const routes = await readRoutes(host(labState, on).netns)
  return routes.some((r) => r.dst === p.subnet && r.gateway === p.publicIp && r.dev === 'eth0')
}

describe('e2e host-gw: 3 flanctl hosts', () => {
  let up: LabUpResult

  before(async () => {
    requireRoot()
    up = await labUp({name, hosts: 3, backend: 'host-gw'})
  })
  after(async () => {
    await removeLab(name)
  })

  it('every container reaches every other, in both directions', () => {
    assert.ok(up.converged, up.missingRoutes.join('; '))
    assert.equal(up.matrix!.total, 6)
    assert.equal(up.matrix!.okCount, 6, JSON.stringify(up.matrix!.pairs.filter((p) => !p.ok)))
  })

  it('etcd holds host-gw leases in flannel format: no BackendData (read with etcdctl)', async () => {
    const s = state(name)
    const [config] = await etcdGetPrefix(s, '/coreos.com/network/config')
    assert.deepEqual(JSON.parse(config!.value), {Network: NETWORK, SubnetLen: 24, Backend: {Type: 'host-gw'}})
    const kvs = await etcdGetPrefix(s, '/coreos.com/network/subnets/')
    assert.equal(kvs.length, 3)
    for (const h of s.hosts) {
      const kv = kvs.find((k) => k.key === `/coreos.com/network/subnets/${subnetKeyOf(parseCidr(h.subnet!)!)}`)
      assert.ok(kv, `lease of ${h.name}`)
      assert.equal(kv.value, `{"PublicIP":"${h.publicIp}","PublicIPv6":null,"BackendType":"host-gw"}`)
      assert.equal(kv.value, leaseValue(h.publicIp, 'host-gw'))
      assert.ok(kv.leaseHex, 'attached to an etcd lease')
    }
  })

  it('each host routes every peer subnet via the peer public IP, without a vxlan device', async () => {
    const s = state(name)
    for (const h of s.hosts) {
      assert.equal(await readVxlanDevice(h.netns, 'flannel.1'), undefined)
      for (const peer of s.hosts) if (peer !== h) assert.ok(await routeVia(s, h.name, peer.name), `${h.name} -> ${peer.subnet} via ${peer.publicIp}`)
    }
  })

  it('subnet.env carries the underlay MTU (host-gw adds no overhead)', async () => {
    for (const h of state(name).hosts) {
      const subnet = parseCidr(h.subnet!)!
      assert.equal(await readText(h.subnetFile), `FLANNEL_NETWORK=${NETWORK}\nFLANNEL_SUBNET=${numberToIp4(subnet.ip + 1)}/24\nFLANNEL_MTU=1500\nFLANNEL_IPMASQ=true\n`)
    }
  })

  it('masquerade and forward rules as flanneld writes them', async () => {
    const network = parseCidr(NETWORK)!
    for (const h of state(name).hosts) {
      const masq = (await readIptables(h.netns, 'nat')).filter((line) => line.includes('flanneld masq'))
      assert.deepEqual(masq, masqRuleLines(network, parseCidr(h.subnet!)!))
      const forward = (await readIptables(h.netns, 'filter')).filter((line) => line.includes('flanneld forward'))
      assert.deepEqual(forward, forwardRuleLines(network))
    }
  })

  it('a route deleted by hand comes back', async () => {
    const s = state(name)
    await runCommand('ip', ['-n', host(s, 'h2').netns, 'route', 'del', host(s, 'h3').subnet!])
    // by the full resync, every 30 s
    await waitFor('h2 restores its route to h3', async () => routeVia(s, 'h2', 'h3'), 60_000)
  })

  it('a host joining, and a host set up by hand as flanneld does, appear on the others and ping both ways', async () => {
    await addLabHost(name)
    const manual = await addLabHost(name, {agent: 'manual'})
    const s = state(name)
    const lease = await leaseOf(s, manual.name)
    assert.equal(lease.value, leaseValue(manual.publicIp, 'host-gw'))
    for (const h of ['h1', 'h2', 'h3', 'h4']) {
      for (const peer of s.hosts) if (peer.name !== h) await waitFor(`${h} routes ${peer.name}`, async () => routeVia(s, h, peer.name), 30_000)
    }
    const matrix = await pingMatrix(s.hosts.map((h) => ({host: h.name, netns: h.container.netns, ip: h.container.ip!})))
    assert.equal(matrix.okCount, matrix.total, JSON.stringify(matrix.pairs.filter((p) => !p.ok)))
  })

  it('a lease deleted from etcd removes its route on the others', async () => {
    const s = state(name)
    const lease = await leaseOf(s, 'h5') // the hand-made host: nothing renews it
    await etcdctl(s, ['del', lease.key])
    for (const h of ['h1', 'h2', 'h3', 'h4']) {
      await waitFor(`${h} drops the route to h5`, async () => !(await readRoutes(host(s, h).netns)).some((r) => r.dst === host(s, 'h5').subnet), 30_000)
    }
  })
})
