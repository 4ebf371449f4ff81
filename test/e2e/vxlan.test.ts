// e2e, vxlan: 3 hosts as namespaces on a bridge, a real etcd, real `flanctl up` processes,
// real pings across the overlay. One lab for the whole file; the tests run in order and each
// leaves the lab healthy for the next (the destructive ones come last).
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {isOurProcess, waitForExit} from '../../src/adapters/netns/processes.js'
import {
  etcdctl, etcdGetPrefix, forwardRuleLines, formatCidr, labUp, leaseValue, masqRuleLines, numberToIp4,
  parseCidr, pingMatrix, readFdb, readIptables, readLabLeases, readNeighbours, readRoutes, readVxlanDevice,
  subnetKeyOf, type LabState, type LabUpResult,
} from '../../src/lab/index.js'
import {addLabHost, startLabAgent, startLabEtcd, stopLabAgent, stopLabEtcd} from '../helpers/lab-ops.js'
import {agentLogTail, e2eLabName, fileIdentity, host, leaseOf, pingLoop, readText, removeLab, requireRoot, state, waitFor} from './lab-fixture.js'

const name = e2eLabName('ev')
const NETWORK = '198.18.0.0/16'

async function peerEntriesPresent(labState: LabState, on: string, peer: string): Promise<boolean> {
  const h = host(labState, on)
  const p = host(labState, peer)
  const lease = await leaseOf(labState, peer)
  const gateway = numberToIp4(parseCidr(p.subnet!)!.ip)
  const routes = await readRoutes(h.netns)
  const neighs = await readNeighbours(h.netns, 'flannel.1')
  const fdb = await readFdb(h.netns, 'flannel.1')
  return (
    routes.some((r) => r.dst === p.subnet && r.gateway === gateway && r.dev === 'flannel.1' && r.flags.includes('onlink')) &&
    neighs.some((n) => n.dst === gateway && n.lladdr === lease.vtepMac && n.state.includes('PERMANENT')) &&
    fdb.some((f) => f.mac === lease.vtepMac && f.dst === p.publicIp && f.flags.includes('self') && f.state === 'permanent')
  )
}

async function noRouteTo(netns: string, subnet: string): Promise<boolean> {
  return !(await readRoutes(netns)).some((r) => r.dst === subnet)
}

describe('e2e vxlan: 3 flanctl hosts', () => {
  let up: LabUpResult

  before(async () => {
    requireRoot()
    up = await labUp({name, hosts: 3, backend: 'vxlan'})
  })
  after(async () => {
    await removeLab(name)
  })

  it('every container reaches every other, in both directions', async () => {
    const s = state(name)
    assert.ok(up.converged, `routes converged: ${up.missingRoutes.join('; ')}`)
    const matrix = up.matrix!
    assert.equal(matrix.total, 6)
    for (const a of ['h1', 'h2', 'h3']) {
      for (const b of ['h1', 'h2', 'h3']) {
        if (a === b) continue
        const pair = matrix.pairs.find((p) => p.from === a && p.to === b)
        assert.ok(pair?.ok, `c${a.slice(1)} -> c${b.slice(1)} answers (log of ${a}: ${await agentLogTail(host(s, a), 5)})`)
      }
    }
  })

  it('etcd holds the config and one lease per host in flannel format (read with etcdctl)', async () => {
    const s = state(name)
    const [config] = await etcdGetPrefix(s, '/coreos.com/network/config')
    assert.deepEqual(JSON.parse(config!.value), {Network: NETWORK, SubnetLen: 24, Backend: {Type: 'vxlan'}})
    const kvs = await etcdGetPrefix(s, '/coreos.com/network/subnets/')
    assert.equal(kvs.length, 3, kvs.map((kv) => kv.key).join(', '))
    for (const h of s.hosts) {
      const subnet = parseCidr(h.subnet!)!
      assert.equal(subnet.prefixLen, 24)
      assert.ok(subnet.ip >= parseCidr('198.18.1.0/24')!.ip, `${h.subnet} is at or above SubnetMin`)
      const kv = kvs.find((k) => k.key === `/coreos.com/network/subnets/${subnetKeyOf(subnet)}`)
      assert.ok(kv, `key for ${h.name} (${h.subnet})`)
      const device = await readVxlanDevice(h.netns, 'flannel.1')
      assert.equal(kv.value, leaseValue(h.publicIp, 'vxlan', device!.mac), 'byte-for-byte flannel lease value')
      assert.ok(kv.leaseHex, 'the key is attached to an etcd lease')
      const ttl = await etcdctl(s, ['lease', 'timetolive', kv.leaseHex!])
      const granted = /granted with TTL\((\d+)s\), remaining\((\d+)s\)/.exec(ttl.stdout)
      assert.ok(granted, ttl.stdout)
      assert.equal(Number(granted[1]), 86400)
      assert.ok(Number(granted[2]) > 86000)
    }
  })

  it('each host has flannel.1 as flanneld makes it and an entry for every peer', async () => {
    const s = state(name)
    for (const h of s.hosts) {
      const device = await readVxlanDevice(h.netns, 'flannel.1')
      assert.ok(device, `flannel.1 exists in ${h.netns}`)
      const lease = await leaseOf(s, h.name)
      assert.equal(device.vni, 1)
      assert.equal(device.port, 8472)
      assert.equal(device.learning, false)
      assert.equal(device.local, h.publicIp)
      assert.equal(device.mtu, 1450, 'MTU 1450 on a 1500 underlay')
      assert.equal(device.mac, lease.vtepMac)
      assert.ok(device.up)
      assert.match(device.mac, /^[0-9a-f][26ae]:/, 'locally administered unicast MAC')
      assert.deepEqual(device.addresses, [`${numberToIp4(parseCidr(h.subnet!)!.ip)}/32`])
      for (const peer of s.hosts) {
        if (peer === h) continue
        assert.ok(await peerEntriesPresent(s, h.name, peer.name), `${h.name} has neigh, fdb and route for ${peer.name}`)
      }
      const own = (await readRoutes(h.netns)).filter((r) => r.dst === h.subnet)
      assert.ok(own.every((r) => r.dev === 'docker0'), `its own lease is not programmed: ${JSON.stringify(own)}`)
    }
  })

  it('subnet.env is what flanneld writes', async () => {
    const s = state(name)
    for (const h of s.hosts) {
      const subnet = parseCidr(h.subnet!)!
      const text = await readText(h.subnetFile)
      assert.equal(text, `FLANNEL_NETWORK=${NETWORK}\nFLANNEL_SUBNET=${numberToIp4(subnet.ip + 1)}/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`)
    }
  })

  it('masquerade and forward rules read back with iptables-save as flanneld writes them', async () => {
    const s = state(name)
    const network = parseCidr(NETWORK)!
    for (const h of s.hosts) {
      const nat = await readIptables(h.netns, 'nat')
      const masq = nat.filter((line) => line.includes('flanneld masq'))
      assert.deepEqual(masq, masqRuleLines(network, parseCidr(h.subnet!)!), `nat rules in ${h.netns}`)
      const filter = (await readIptables(h.netns, 'filter')).filter((line) => line.includes('flanneld forward'))
      assert.deepEqual(filter, forwardRuleLines(network), `filter rules in ${h.netns}`)
    }
  })

  it('a route deleted by hand comes back', async () => {
    const s = state(name)
    const h1 = host(s, 'h1')
    const h2 = host(s, 'h2')
    await etcdctl(s, ['endpoint', 'health']) // the lab's etcd is up: only the agent's resync can restore the route
    const {runCommand} = await import('../../src/adapters/netns/run-command.js')
    await runCommand('ip', ['-n', h1.netns, 'route', 'del', h2.subnet!])
    assert.ok(await noRouteTo(h1.netns, h2.subnet!))
    // by the full resync, every 30 s
    await waitFor(`route ${h2.subnet} back on h1`, async () => peerEntriesPresent(s, 'h1', 'h2'), 60_000)
  })

  it('an agent restarted keeps its subnet, its lease and its kernel state', async () => {
    const s = state(name)
    const h2 = host(s, 'h2')
    const before = await leaseOf(s, 'h2')
    const oldPid = h2.pid!
    const identity = await fileIdentity(h2.subnetFile)
    assert.equal(await stopLabAgent(name, 'h2', 'SIGTERM'), 'stopped', 'exits on SIGTERM')
    assert.ok(await waitForExit(oldPid, 1_000))
    // stopped: the lease and the kernel entries stay
    assert.equal((await leaseOf(s, 'h2')).key, before.key)
    assert.ok(await readVxlanDevice(h2.netns, 'flannel.1'))
    assert.ok(await peerEntriesPresent(s, 'h2', 'h1'))
    startLabAgent(name, 'h2')
    await waitFor('h2 rewrites subnet.env after the restart', async () => (await fileIdentity(h2.subnetFile)) !== identity, 30_000)
    const after = await leaseOf(state(name), 'h2')
    assert.equal(after.key, before.key, 'same subnet')
    assert.equal(after.vtepMac, before.vtepMac, 'same VtepMAC (the device is reused)')
    assert.ok(isOurProcess(state(name).hosts[1]!.pid!, h2.subnetFile))
    const back = await pingMatrix([
      {host: 'h1', netns: host(s, 'h1').container.netns, ip: host(s, 'h1').container.ip!},
      {host: 'h2', netns: h2.container.netns, ip: h2.container.ip!},
    ])
    assert.equal(back.okCount, 2)
  })

  it('a host joining appears on the others and pings both ways', async () => {
    const joined = await addLabHost(name)
    assert.equal(joined.name, 'h4')
    const s = state(name)
    for (const h of ['h1', 'h2', 'h3']) {
      await waitFor(`${h} programs h4`, async () => peerEntriesPresent(s, h, 'h4'), 30_000)
    }
    await waitFor('h4 programs h1..h3', async () => (await Promise.all(['h1', 'h2', 'h3'].map((p) => peerEntriesPresent(s, 'h4', p)))).every(Boolean), 30_000)
    const matrix = await pingMatrix(s.hosts.map((h) => ({host: h.name, netns: h.container.netns, ip: h.container.ip!})))
    assert.equal(matrix.okCount, matrix.total, JSON.stringify(matrix.pairs.filter((p) => !p.ok)))
  })

  it('a host set up by hand the way flanneld does it exchanges pings with flanctl hosts', async () => {
    // h5: its lease put with etcdctl (flannel's JSON, an 86400 s etcd lease), its flannel.1,
    // neighbours, fdb and routes made with ip/bridge, its masquerade rules with iptables-restore
    const manual = await addLabHost(name, {agent: 'manual'})
    const s = state(name)
    const lease = await leaseOf(s, manual.name)
    assert.equal(lease.value, leaseValue(manual.publicIp, 'vxlan', lease.vtepMac))
    for (const h of ['h1', 'h2', 'h3', 'h4']) {
      await waitFor(`${h} programs the hand-made ${manual.name}`, async () => peerEntriesPresent(s, h, manual.name), 30_000)
    }
    const c5 = {host: manual.name, netns: manual.container.netns, ip: manual.container.ip!}
    for (const h of ['h1', 'h2', 'h3', 'h4']) {
      const other = host(s, h)
      const pair = await pingMatrix([c5, {host: h, netns: other.container.netns, ip: other.container.ip!}])
      assert.equal(pair.okCount, 2, `${manual.name} <-> ${h}: ${JSON.stringify(pair.pairs)}`)
    }
  })

  it('etcd stopped for a few seconds: traffic goes on and the agents recover without a restart', async () => {
    const s = state(name)
    const pids = s.hosts.filter((h) => h.agent === 'flanctl').map((h) => ({name: h.name, pid: h.pid!, marker: h.subnetFile}))
    const c1 = host(s, 'h1')
    const c2 = host(s, 'h2')
    const loop = pingLoop(c1.container.netns, c2.container.ip!, 50, 0.2) // ~10 s of pings
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    assert.equal(await stopLabEtcd(name, 1), 'stopped')
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    await startLabEtcd(name, 1)
    const pings = await loop
    assert.equal(pings.transmitted, 50)
    assert.ok(pings.received >= 48, `traffic is data plane: ${pings.received}/50 answered while etcd was down (${pings.output})`)
    for (const p of pids) assert.ok(isOurProcess(p.pid, p.marker), `the agent of ${p.name} (pid ${p.pid}) is still the same process`)
    // the watches are back: a lease put now reaches every flanctl host
    const fake = {subnet: '198.18.250.0/24', publicIp: '203.0.113.99', mac: '0a:fa:00:00:00:99'}
    const key = `/coreos.com/network/subnets/${subnetKeyOf(parseCidr(fake.subnet)!)}`
    await etcdctl(state(name), ['put', key, leaseValue(fake.publicIp, 'vxlan', fake.mac)])
    for (const p of pids) {
      await waitFor(`${p.name} programs a lease put after etcd came back`, async () => !(await noRouteTo(host(s, p.name).netns, fake.subnet)), 30_000)
    }
    await etcdctl(state(name), ['del', key])
    for (const p of pids) await waitFor(`${p.name} removes the deleted lease`, async () => noRouteTo(host(s, p.name).netns, fake.subnet), 30_000)
  })

  it('a lease deleted from etcd removes that host from the others, and its agent stops', async () => {
    const s = state(name)
    const h3 = host(s, 'h3')
    const lease = await leaseOf(s, 'h3')
    await etcdctl(s, ['del', lease.key])
    for (const h of ['h1', 'h2', 'h4']) {
      const other = host(s, h)
      await waitFor(`${h} drops h3's route`, async () => noRouteTo(other.netns, h3.subnet!), 30_000)
      const gateway = numberToIp4(parseCidr(h3.subnet!)!.ip)
      await waitFor(`${h} drops h3's neighbour and fdb entries`, async () => {
        const neigh = await readNeighbours(other.netns, 'flannel.1')
        const fdb = await readFdb(other.netns, 'flannel.1')
        return !neigh.some((n) => n.dst === gateway) && !fdb.some((f) => f.mac === lease.vtepMac)
      }, 30_000)
    }
    assert.ok(await waitForExit(h3.pid!, 15_000), 'the agent whose lease was deleted stops')
    const remaining = (await readLabLeases(s)).map((l) => formatCidr(l.subnet))
    assert.ok(!remaining.includes(h3.subnet!))
  })
})
