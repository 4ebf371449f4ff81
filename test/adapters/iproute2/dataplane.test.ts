// The iproute2 data plane against the real kernel, inside namespaces this test creates: three
// hosts on a bridge (underlay 203.0.113.0/24), vxlan devices, peers' entries applied in batches,
// read back, repaired, removed; traffic across the overlay; 5,000 peers in one pass.
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {createNetnsSandbox, requireRoot, type NetnsSandbox} from '../../helpers/netns.js'
import {findExternalInterface} from '../../../src/adapters/iproute2/index.js'
import {hostGwIproute2Dataplane} from '../../../src/backends/host-gw/dataplane.js'
import {vxlanIproute2Dataplane} from '../../../src/backends/vxlan/dataplane.js'
import {vxlanDesired} from '../../../src/backends/vxlan/desired.js'
import {ensureVxlanDevice, readVxlanDevice} from '../../../src/backends/vxlan/device.js'
import {vxlanDeviceSpec, type VxlanDeviceSpec} from '../../../src/backends/vxlan/device-spec.js'
import {hostGwDesired} from '../../../src/backends/host-gw/desired.js'
import {plan as planIn} from '../../../src/core/plan.js'
import {formatOp as formatOpIn, type DataplaneState, type Op} from '../../../src/core/dataplane-state.js'
import {byKind, formatOf as formatEntry, ROUTING_KINDS, type RoutingEntry} from '../../helpers/entries.js'
import {formatIp4, parseIp4, parseIp4Net} from '../../../src/core/ip4.js'
import {FlanctlError} from '../../../src/core/errors.js'
import type {Ip4Net, Lease} from '../../../src/core/types.js'

requireRoot('the iproute2 adapter tests')

const net = (text: string): Ip4Net => {
  const r = parseIp4Net(text)
  assert.ok(r.ok)
  return r.value
}
const ip = (text: string): number => parseIp4(text)!
const NETWORK = net('198.18.0.0/16')

function vxlanLease(subnet: string, publicIp: string, mac: string): Lease {
  return {
    key: `/coreos.com/network/subnets/${subnet.replace('/', '-')}`,
    subnet: net(subnet),
    attrs: {publicIp, publicIpv6: null, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: mac}},
    reservation: false,
  }
}

const plan = (desired: DataplaneState, observed: DataplaneState): Op[] => planIn(ROUTING_KINDS, desired, observed)
const formatOp = (op: Op): string => formatOpIn(ROUTING_KINDS, op)

interface ObserveOptions {
  device?: string
  externalInterface: string
  network: Ip4Net
  netns: string
}
/** the backend's kernel port: vxlan's with a device, host-gw's without */
function createIproute2Dataplane(o: ObserveOptions) {
  const {device, externalInterface, network, netns} = o
  return device === undefined ? hostGwIproute2Dataplane({externalInterface, network}, netns) : vxlanIproute2Dataplane({device, externalInterface, network}, netns)
}
const observeDataplane = (o: ObserveOptions): Promise<DataplaneState> => createIproute2Dataplane(o).observe()
const applyOps = (ops: readonly Op[], o: {netns: string}): Promise<void> => createIproute2Dataplane({device: 'flannel.1', externalInterface: 'eth0', network: NETWORK, netns: o.netns}).apply(ops)

const sorted = (s: DataplaneState): string[] => s.map(formatEntry).sort()
/** the entries flanctl owns: a non-permanent neighbour is the kernel's cache */
const owned = (s: DataplaneState): DataplaneState => s.filter((e) => e.kind !== 'neigh' || byKind([e], 'neigh')[0].permanent)

describe('iproute2 data plane (vxlan, 3 hosts in namespaces)', () => {
  let sb: NetnsSandbox
  const hosts: string[] = []
  const specs: VxlanDeviceSpec[] = []
  const macs: string[] = []
  // peers seen from host 1: hosts 2 and 3 for real, a fourth that exists only in etcd
  const leases: Lease[] = []

  before(async () => {
    sb = createNetnsSandbox('dp')
    const sw = await sb.addNetns('sw')
    await sb.addBridge(sw, 'br0')
    for (let i = 1; i <= 3; i++) {
      const h = await sb.addNetns(`h${i}`)
      hosts.push(h)
      await sb.addVeth({netns: h, name: 'eth0', cidr: `203.0.113.${i}/24`}, {netns: sw, name: `p${i}`})
      await sb.enslave(sw, `p${i}`, 'br0')
      await sb.ip(h, 'route', 'add', 'default', 'via', '203.0.113.254', 'dev', 'eth0')
    }
  })
  after(async () => {
    await sb?.destroy()
  })

  it('creates the vxlan device as flannel does', async () => {
    for (let i = 1; i <= 3; i++) {
      let n = 0
      const spec = vxlanDeviceSpec({
        vni: 1,
        port: 0,
        localIp: ip(`203.0.113.${i}`),
        externalInterface: 'eth0',
        externalMtu: 1500,
        ownSubnet: net(`198.18.${i}.0/24`),
        network: NETWORK,
        random: () => ((i * 37 + n++ * 11) % 256) / 256,
      })
      specs.push(spec)
      const dev = await ensureVxlanDevice(spec, {netns: hosts[i - 1]})
      assert.equal(dev.created, true)
      assert.equal(dev.recreatedBecause, undefined)
      assert.equal(dev.mac, spec.mac)
      assert.equal(dev.mtu, 1450)
      macs.push(dev.mac)
    }
    const [link] = JSON.parse(await sb.ip(hosts[0], '-d', '-j', 'addr', 'show', 'dev', 'flannel.1'))
    assert.equal(link.linkinfo.info_kind, 'vxlan')
    assert.deepEqual(
      {
        id: link.linkinfo.info_data.id,
        port: link.linkinfo.info_data.port,
        local: link.linkinfo.info_data.local,
        link: link.linkinfo.info_data.link,
        learning: link.linkinfo.info_data.learning,
      },
      {id: 1, port: 8472, local: '203.0.113.1', link: 'eth0', learning: false},
    )
    assert.equal(link.mtu, 1450)
    assert.equal(link.address, specs[0].mac)
    assert.ok(link.flags.includes('UP'))
    assert.deepEqual(
      link.addr_info.filter((a: {family: string}) => a.family === 'inet').map((a: {local: string; prefixlen: number}) => `${a.local}/${a.prefixlen}`),
      ['198.18.1.0/32'],
    )
    leases.push(
      vxlanLease('198.18.1.0/24', '203.0.113.1', macs[0]),
      vxlanLease('198.18.2.0/24', '203.0.113.2', macs[1]),
      vxlanLease('198.18.3.0/24', '203.0.113.3', macs[2]),
      vxlanLease('198.18.4.0/24', '203.0.113.4', '0a:00:00:00:00:04'),
    )
  })

  it('keeps a compatible device (and its MAC), fixes MTU and address, recreates an incompatible one', async () => {
    const h1 = hosts[0]
    await sb.ip(h1, 'link', 'set', 'flannel.1', 'mtu', '1400')
    await sb.ip(h1, 'addr', 'add', '198.18.77.0/32', 'dev', 'flannel.1')
    await sb.ip(h1, 'addr', 'add', '198.51.100.1/32', 'dev', 'flannel.1')
    const again = await ensureVxlanDevice({...specs[0], mac: '0a:99:99:99:99:99'}, {netns: h1})
    assert.equal(again.created, false)
    assert.equal(again.mac, macs[0], 'an existing device keeps its MAC')
    assert.equal(again.mtu, 1450)
    const state = await readVxlanDevice('flannel.1', {netns: h1})
    assert.deepEqual(
      state?.addresses.map((a) => `${formatIp4(a.ip)}/${a.prefixLen}`),
      ['198.18.1.0/32', '198.51.100.1/32'],
      'the address inside the network is replaced; others are left alone',
    )
    await sb.ip(h1, 'addr', 'del', '198.51.100.1/32', 'dev', 'flannel.1')

    const otherPort = await ensureVxlanDevice({...specs[0], port: 4789}, {netns: h1})
    assert.equal(otherPort.created, true)
    assert.match(otherPort.recreatedBecause ?? '', /port 8472 vs 4789/)
    const back = await ensureVxlanDevice(specs[0], {netns: h1})
    assert.match(back.recreatedBecause ?? '', /port 4789 vs 8472/)
    assert.equal(back.mac, specs[0].mac)
    assert.match((await ensureVxlanDevice({...specs[0], vni: 1, localIp: ip('203.0.113.9')}, {netns: h1})).recreatedBecause ?? '', /local address 203\.0\.113\.1 vs 203\.0\.113\.9/)
    await ensureVxlanDevice(specs[0], {netns: h1})
    assert.equal(await readVxlanDevice('flannel.9', {netns: h1}), undefined)

    // a device deleted by hand comes back, with the MAC the lease announced
    await sb.ip(h1, 'link', 'del', 'flannel.1')
    const recreated = await ensureVxlanDevice(specs[0], {netns: h1})
    assert.deepEqual([recreated.created, recreated.mac, recreated.mtu], [true, macs[0], 1450])
    const unchanged = await ensureVxlanDevice(specs[0], {netns: h1})
    assert.deepEqual([unchanged.created, unchanged.mac, unchanged.index], [false, macs[0], recreated.index])
  })

  it("applies the peers' entries in one pass, reads them back, and a second pass has nothing to do", async () => {
    const dataplane = createIproute2Dataplane({device: 'flannel.1', externalInterface: 'eth0', network: NETWORK, netns: hosts[0]})
    const {state: desired, warnings} = vxlanDesired({
      ownLease: leases[0],
      leases,
      device: 'flannel.1',
      directRouting: false,
      externalInterface: 'eth0',
    })
    assert.deepEqual(warnings, [])
    const ops = plan(desired, await dataplane.observe())
    assert.equal(ops.length, 9)
    await dataplane.apply(ops)
    const observed = await dataplane.observe()
    assert.deepEqual(sorted(observed), sorted(desired))
    assert.deepEqual(plan(desired, observed), [])
    assert.match(await sb.ip(hosts[0], 'route', 'show', '198.18.2.0/24'), /198\.18\.2\.0\/24 via 198\.18\.2\.0 dev flannel\.1 proto 151 onlink/)
    assert.match(await sb.ip(hosts[0], 'neigh', 'show', 'dev', 'flannel.1'), new RegExp(`198\\.18\\.2\\.0 lladdr ${macs[1]} PERMANENT`))
    assert.match(await sb.bridge(hosts[0], 'fdb', 'show', 'dev', 'flannel.1'), new RegExp(`${macs[1]} dst 203\\.0\\.113\\.2 self permanent`))
  })

  it('carries traffic across the overlay between two hosts', async () => {
    for (const self of [1, 0]) {
      const {state} = vxlanDesired({ownLease: leases[self], leases, device: 'flannel.1', directRouting: false, externalInterface: 'eth0'})
      const observe = {device: 'flannel.1', externalInterface: 'eth0', network: NETWORK, netns: hosts[self]}
      await applyOps(plan(state, await observeDataplane(observe)), {netns: hosts[self]})
    }
    const ping = await sb.exec(hosts[0], 'ping', '-c', '2', '-i', '0.2', '-W', '2', '198.18.2.0')
    assert.equal(ping.exitCode, 0, `ping 198.18.2.0 from host 1 over vxlan failed: ${ping.stdout}${ping.stderr}`)
    const back = await sb.exec(hosts[1], 'ping', '-c', '2', '-i', '0.2', '-W', '2', '198.18.1.0')
    assert.equal(back.exitCode, 0, `ping 198.18.1.0 from host 2 over vxlan failed: ${back.stdout}${back.stderr}`)
  })

  it('restores entries deleted by hand, and never touches entries it does not own', async () => {
    const h1 = hosts[0]
    const observe = {device: 'flannel.1', externalInterface: 'eth0', network: NETWORK, netns: h1}
    // not flanctl's: outside the network, no gateway, another metric, kernel cache, flooding entry,
    // and an administrator's entries that look like ours but lack flanctl's mark: a `proto static`
    // route with a gateway in the overlay, a permanent neighbour and a permanent fdb entry
    await sb.ip(h1, 'route', 'add', '198.51.100.0/24', 'via', '203.0.113.254', 'dev', 'eth0')
    await sb.ip(h1, 'route', 'add', '198.18.200.0/24', 'dev', 'eth0')
    await sb.ip(h1, 'route', 'add', '198.18.4.0/24', 'via', '203.0.113.4', 'dev', 'eth0', 'metric', '100')
    await sb.ip(h1, 'route', 'add', '198.18.201.0/24', 'via', '198.18.201.0', 'dev', 'flannel.1', 'onlink', 'proto', 'static')
    await sb.ip(h1, 'route', 'add', '198.18.202.0/24', 'via', '203.0.113.3', 'dev', 'eth0')
    await sb.ip(h1, 'neigh', 'add', '198.18.99.9', 'lladdr', '0a:00:00:00:99:09', 'dev', 'flannel.1', 'nud', 'stale')
    await sb.ip(h1, 'neigh', 'add', '198.18.201.0', 'lladdr', '0a:00:00:00:c9:01', 'dev', 'flannel.1', 'nud', 'permanent')
    await sb.bridge(h1, 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'flannel.1', 'dst', '203.0.113.99')
    await sb.bridge(h1, 'fdb', 'add', '0a:00:00:00:c9:02', 'dev', 'flannel.1', 'dst', '203.0.113.98', 'self', 'permanent')
    const foreign = async () => ({
      routes: await sb.ip(h1, 'route', 'show', 'table', 'main'),
      neigh: await sb.ip(h1, 'neigh', 'show', 'dev', 'flannel.1'),
      fdb: await sb.bridge(h1, 'fdb', 'show', 'dev', 'flannel.1'),
    })

    const {state: desired} = vxlanDesired({ownLease: leases[0], leases, device: 'flannel.1', directRouting: false, externalInterface: 'eth0'})
    assert.deepEqual(plan(desired, await observeDataplane(observe)), [], 'foreign entries are invisible to the plan')

    await sb.ip(h1, 'route', 'del', '198.18.2.0/24')
    await sb.ip(h1, 'neigh', 'del', '198.18.3.0', 'dev', 'flannel.1')
    await sb.bridge(h1, 'fdb', 'del', '0a:00:00:00:00:04', 'dev', 'flannel.1', 'dst', '203.0.113.4', 'self')
    const repair = plan(desired, await observeDataplane(observe))
    // a fresh port (as after a restart) owns an fdb entry through its neighbour: with the
    // neighbour gone, the fdb entry is written again too (an idempotent replace)
    assert.deepEqual(repair.map(formatOp).sort(), [
      'replace fdb 0a:00:00:00:00:04 dev flannel.1 dst 203.0.113.4',
      `replace fdb ${macs[2]} dev flannel.1 dst 203.0.113.3`,
      `replace neigh 198.18.3.0 lladdr ${macs[2]} dev flannel.1 nud permanent`,
      'replace route 198.18.2.0/24 via 198.18.2.0 dev flannel.1 onlink',
    ])
    await applyOps(repair, {netns: h1})
    assert.deepEqual(plan(desired, await observeDataplane(observe)), [])

    // the fourth peer's lease is gone: its three entries are removed, nothing else
    const before = await foreign()
    const {state: fewer} = vxlanDesired({ownLease: leases[0], leases: leases.slice(0, 3), device: 'flannel.1', directRouting: false, externalInterface: 'eth0'})
    const removal = plan(fewer, await observeDataplane(observe))
    assert.deepEqual(removal.map(formatOp), [
      'delete route 198.18.4.0/24 via 198.18.4.0 dev flannel.1 onlink',
      'delete neigh 198.18.4.0 lladdr 0a:00:00:00:00:04 dev flannel.1 nud permanent',
      'delete fdb 0a:00:00:00:00:04 dev flannel.1 dst 203.0.113.4',
    ])
    await applyOps(removal, {netns: h1})
    assert.deepEqual(sorted(owned(await observeDataplane(observe))), sorted(fewer))
    const afterRemoval = await foreign()
    assert.match(afterRemoval.routes, /198\.51\.100\.0\/24 via 203\.0\.113\.254 dev eth0/)
    assert.match(afterRemoval.routes, /198\.18\.200\.0\/24 dev eth0/)
    assert.match(afterRemoval.routes, /198\.18\.4\.0\/24 via 203\.0\.113\.4 dev eth0 metric 100/)
    assert.match(afterRemoval.routes, /198\.18\.201\.0\/24 via 198\.18\.201\.0 dev flannel\.1 proto static onlink/)
    assert.match(afterRemoval.routes, /198\.18\.202\.0\/24 via 203\.0\.113\.3 dev eth0/)
    assert.match(afterRemoval.neigh, /198\.18\.99\.9 lladdr 0a:00:00:00:99:09/)
    assert.match(afterRemoval.neigh, /198\.18\.201\.0 lladdr 0a:00:00:00:c9:01 PERMANENT/)
    assert.match(afterRemoval.fdb, /00:00:00:00:00:00 dst 203\.0\.113\.99/)
    assert.match(afterRemoval.fdb, /0a:00:00:00:c9:02 dst 203\.0\.113\.98 self permanent/)
    assert.doesNotMatch(afterRemoval.neigh, /198\.18\.4\.0 /)
    assert.equal(afterRemoval.neigh, before.neigh.split('\n').filter((l) => !l.startsWith('198.18.4.0 ')).join('\n'))

    // a new process (a restart) still owns what the last one installed: marks, not memory
    const restarted = createIproute2Dataplane(observe)
    assert.deepEqual(sorted(await restarted.observe()), sorted(fewer))
    const none = plan([], await restarted.observe())
    assert.equal(none.length, 6, 'the two remaining peers\' fdb, neighbour and route, nothing of the administrator\'s')
    await restarted.apply(none)
    const afterAll = await foreign()
    assert.match(afterAll.routes, /198\.18\.201\.0\/24 via 198\.18\.201\.0 dev flannel\.1 proto static onlink/)
    assert.match(afterAll.neigh, /198\.18\.201\.0 lladdr 0a:00:00:00:c9:01 PERMANENT/)
    assert.match(afterAll.fdb, /0a:00:00:00:c9:02 dst 203\.0\.113\.98 self permanent/)
    assert.doesNotMatch(afterAll.routes, /198\.18\.[23]\.0\/24/)
    await restarted.apply(plan(fewer, await restarted.observe()))
  })

  it('removes its own entries of an earlier network config that no lease explains, and nobody else\'s', async () => {
    const h1 = hosts[0]
    const observe = {device: 'flannel.1', externalInterface: 'eth0', network: NETWORK, netns: h1}
    await sb.ip(h1, 'route', 'add', '10.99.0.0/24', 'via', '203.0.113.3', 'dev', 'eth0', 'proto', '151')
    await sb.ip(h1, 'route', 'add', '10.98.0.0/24', 'via', '203.0.113.3', 'dev', 'eth0')
    const {state: fewer} = vxlanDesired({ownLease: leases[0], leases: leases.slice(0, 3), device: 'flannel.1', directRouting: false, externalInterface: 'eth0'})
    const ops = plan(fewer, await observeDataplane(observe))
    assert.deepEqual(ops.map(formatOp), ['delete route 10.99.0.0/24 via 203.0.113.3 dev eth0'])
    await applyOps(ops, {netns: h1})
    const routes = await sb.ip(h1, 'route', 'show', 'table', 'main')
    assert.doesNotMatch(routes, /10\.99\.0\.0/)
    assert.match(routes, /10\.98\.0\.0\/24 via 203\.0\.113\.3 dev eth0/)
    await sb.ip(h1, 'route', 'del', '10.98.0.0/24')
  })

  it('treats deleting what is already gone as success, and goes on with the rest of the batch', async () => {
    const h1 = hosts[0]
    const ghost: Op<RoutingEntry>[] = [
      {verb: 'delete', entry: {kind: 'route', dst: net('198.18.50.0/24'), via: ip('198.18.50.0'), dev: 'flannel.1', onlink: true}},
      {verb: 'delete', entry: {kind: 'neigh', ip: ip('198.18.50.0'), lladdr: '0a:00:00:00:00:50', dev: 'flannel.1', permanent: true}},
      {verb: 'delete', entry: {kind: 'fdb', lladdr: '0a:00:00:00:00:50', dst: ip('203.0.113.50'), dev: 'flannel.1'}},
      {verb: 'replace', entry: {kind: 'route', dst: net('198.18.51.0/24'), via: ip('203.0.113.3'), dev: 'eth0', onlink: false}},
    ]
    await applyOps(ghost, {netns: h1})
    assert.match(await sb.ip(h1, 'route', 'show', '198.18.51.0/24'), /via 203\.0\.113\.3 dev eth0/)
    assert.equal(await sb.ip(h1, 'neigh', 'show', '198.18.50.0', 'dev', 'flannel.1'), '')
    await applyOps([{verb: 'delete', entry: ghost[3].entry}], {netns: h1})
  })

  it('reports an op the kernel refuses (E_SYSTEM, naming it) after applying the others', async () => {
    const h1 = hosts[0]
    const ops: Op<RoutingEntry>[] = [
      {verb: 'replace', entry: {kind: 'route', dst: net('198.18.60.0/24'), via: ip('198.51.100.5'), dev: 'eth0', onlink: false}},
      {verb: 'replace', entry: {kind: 'route', dst: net('198.18.61.0/24'), via: ip('203.0.113.3'), dev: 'eth0', onlink: false}},
      {verb: 'replace', entry: {kind: 'fdb', lladdr: '0a:00:00:00:00:61', dst: ip('203.0.113.61'), dev: 'flannel.9'}},
    ]
    await assert.rejects(applyOps(ops, {netns: h1}), (error: unknown) => {
      assert.ok(error instanceof FlanctlError)
      assert.equal(error.code, 'E_SYSTEM')
      assert.match(error.message, /2 failures/)
      assert.match(error.message, /route replace 198\.18\.60\.0\/24 via 198\.51\.100\.5 dev eth0 proto 151: .*gateway/i)
      assert.match(error.message, /fdb replace 0a:00:00:00:00:61 dev flannel\.9/)
      return true
    })
    assert.match(await sb.ip(h1, 'route', 'show', '198.18.61.0/24'), /via 203\.0\.113\.3/)
    await sb.ip(h1, 'route', 'del', '198.18.61.0/24')
  })

  it('DirectRouting: a peer on the same segment is reached by a plain route', async () => {
    const h1 = hosts[0]
    const external = await findExternalInterface({netns: h1})
    assert.equal(external.name, 'eth0')
    const {state} = vxlanDesired({
      ownLease: leases[0],
      leases: leases.slice(0, 3),
      device: 'flannel.1',
      directRouting: true,
      externalInterface: external.name,
      localSubnetsOnLink: external.onLinkSubnets,
    })
    const observe = {device: 'flannel.1', externalInterface: 'eth0', network: NETWORK, netns: h1}
    const ops = plan(state, await observeDataplane(observe))
    assert.deepEqual(ops.map(formatOp).sort(), [
      `delete fdb ${macs[1]} dev flannel.1 dst 203.0.113.2`,
      `delete fdb ${macs[2]} dev flannel.1 dst 203.0.113.3`,
      `delete neigh 198.18.2.0 lladdr ${macs[1]} dev flannel.1 nud permanent`,
      `delete neigh 198.18.3.0 lladdr ${macs[2]} dev flannel.1 nud permanent`,
      'replace route 198.18.2.0/24 via 203.0.113.2 dev eth0',
      'replace route 198.18.3.0/24 via 203.0.113.3 dev eth0',
    ])
    await applyOps(ops, {netns: h1})
    assert.deepEqual(plan(state, await observeDataplane(observe)), [])
    const ping = await sb.exec(h1, 'ping', '-c', '2', '-i', '0.2', '-W', '2', '198.18.2.0')
    assert.equal(ping.exitCode, 0, `ping over the direct route failed: ${ping.stdout}${ping.stderr}`)
  })

  it('host-gw: routes via the peers on the external interface, read back the same', async () => {
    const h3 = hosts[2]
    const hostGw = (l: Lease): Lease => ({...l, attrs: {...l.attrs, backendType: 'host-gw', backendData: undefined}})
    const {state} = hostGwDesired({ownLease: leases[2], leases: leases.map(hostGw), externalInterface: 'eth0'})
    const dataplane = createIproute2Dataplane({externalInterface: 'eth0', network: NETWORK, netns: h3})
    await dataplane.apply(plan(state, await dataplane.observe()))
    const observed = await dataplane.observe()
    assert.deepEqual(sorted(observed), [
      'route 198.18.1.0/24 via 203.0.113.1 dev eth0',
      'route 198.18.2.0/24 via 203.0.113.2 dev eth0',
      'route 198.18.4.0/24 via 203.0.113.4 dev eth0',
    ])
    assert.deepEqual(plan(state, observed), [])
  })
})

describe('iproute2 data plane: 5,000 peers in one pass', () => {
  let sb: NetnsSandbox
  let h: string
  before(async () => {
    sb = createNetnsSandbox('dp')
    h = await sb.addNetns('big')
    const peer = await sb.addNetns('peer')
    await sb.addVeth({netns: h, name: 'eth0', cidr: '203.0.113.1/24'}, {netns: peer, name: 'eth0', cidr: '203.0.113.2/24'})
  })
  after(async () => {
    await sb?.destroy()
  })

  it('programs 15,000 entries, reads them back, and removes them all', async () => {
    const spec = vxlanDeviceSpec({
      vni: 1,
      port: 0,
      localIp: ip('203.0.113.1'),
      externalInterface: 'eth0',
      externalMtu: 1500,
      ownSubnet: net('198.18.0.0/29'),
      network: NETWORK,
      random: () => 0.3,
    })
    await ensureVxlanDevice(spec, {netns: h})
    const leases: Lease[] = []
    for (let i = 0; i <= 5000; i++) {
      const subnet = ip('198.18.0.0') + i * 8
      const mac = `0a:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`
      leases.push(vxlanLease(`${formatIp4(subnet)}/29`, `203.0.113.${(i % 200) + 10}`, mac))
    }
    const {state: desired} = vxlanDesired({ownLease: leases[0], leases, device: 'flannel.1', directRouting: false, externalInterface: 'eth0'})
    assert.equal(byKind(desired, 'route').length, 5000)
    const dataplane = createIproute2Dataplane({device: 'flannel.1', externalInterface: 'eth0', network: NETWORK, netns: h})
    const ops = plan(desired, await dataplane.observe())
    assert.equal(ops.length, 15000)
    await dataplane.apply(ops)
    const observed = await dataplane.observe()
    assert.equal(byKind(observed, 'route').length, 5000)
    assert.equal(byKind(observed, 'neigh').length, 5000)
    assert.equal(byKind(observed, 'fdb').length, 5000)
    assert.deepEqual(sorted(observed), sorted(desired))
    assert.deepEqual(plan(desired, observed), [])

    const removal = plan([], observed)
    assert.equal(removal.length, 15000)
    await dataplane.apply(removal)
    assert.deepEqual(sorted(await dataplane.observe()), [])
  })
})
