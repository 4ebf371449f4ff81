// The udp relay and its data plane against the real kernel, inside two namespaces this test
// creates (a veth pair on 203.0.113.0/24): the worker joins a namespace before it opens the TUN
// and the socket. Pings both ways through two relays, the table applied through the data plane
// (plan, apply, observe), an unknown destination dropped and counted, a stop that removes
// flannel0, a port in use refused.
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {createNetnsSandbox, requireRoot, type NetnsSandbox} from '../helpers/netns.js'
import {iproute2Platform} from '../../src/backends/platform.js'
import {udpDesired} from '../../src/backends/udp/desired.js'
import {createRelayKeeper, type RelayKeeper} from '../../src/backends/udp/relay-keeper.js'
import {plan} from '../../src/core/plan.js'
import type {Dataplane} from '../../src/core/dataplane-state.js'
import {parseIp4} from '../../src/core/ip4.js'
import type {Lease} from '../../src/core/types.js'

requireRoot('the udp relay tests')

const ip = (text: string): number => parseIp4(text)!
const NETWORK = {ip: ip('198.18.0.0'), prefixLen: 16}
const PORT = 8285

interface Side {
  netns: string
  publicIp: string
  subnet: {ip: number; prefixLen: number}
  keeper: RelayKeeper
  dataplane: Dataplane
}

const lease = (side: Side): Lease => ({key: `/coreos.com/network/subnets/${side.publicIp}`, subnet: side.subnet, attrs: {publicIp: side.publicIp, publicIpv6: null}, reservation: false})

async function reconcile(side: Side, peers: readonly Lease[]): Promise<number> {
  const desired = udpDesired({ownLease: {subnet: side.subnet}, leases: peers, network: NETWORK, device: 'flannel0', mtu: 1472})
  const ops = plan(side.dataplane.kinds, desired.state, await side.dataplane.observe())
  if (ops.length > 0) await side.dataplane.apply(ops)
  return ops.length
}

describe('the udp relay in namespaces', () => {
  let sandbox: NetnsSandbox
  let a: Side
  let b: Side

  before(async () => {
    sandbox = createNetnsSandbox('ur')
    const [na, nb] = [await sandbox.addNetns('a'), await sandbox.addNetns('b')]
    await sandbox.addVeth({netns: na, name: 'eth0', cidr: '203.0.113.21/24'}, {netns: nb, name: 'eth0', cidr: '203.0.113.22/24'})
    const side = (netns: string, publicIp: string, subnet: string): Side => {
      const platform = iproute2Platform(netns)
      const keeper = createRelayKeeper(platform.startUdpRelay, {bindIp: ip(publicIp), port: PORT})
      return {netns, publicIp, subnet: {ip: ip(subnet), prefixLen: 24}, keeper, dataplane: platform.udpDataplane({device: 'flannel0', network: NETWORK, relay: keeper})}
    }
    a = side(na, '203.0.113.21', '198.18.1.0')
    b = side(nb, '203.0.113.22', '198.18.2.0')
    await a.keeper.start()
    await b.keeper.start()
  })
  after(async () => {
    await a?.keeper.stop()
    await b?.keeper.stop()
    await sandbox?.destroy()
  })

  it('opens flannel0 in its namespace (not ours) and binds PublicIP:Port there', async () => {
    const link = await sandbox.ip(a.netns, '-d', 'link', 'show', 'flannel0')
    assert.match(link, /tun type tun pi off/)
    const ss = await sandbox.exec(a.netns, 'ss', '-Hunl')
    assert.match(ss.stdout, /203\.0\.113\.21:8285/)
  })

  it('the data plane programs flannel0, its route and the peer table; a second pass finds nothing to do', async () => {
    assert.equal(await reconcile(a, [lease(b)]), 3)
    assert.equal(await reconcile(b, [lease(a)]), 3)
    assert.equal(await reconcile(a, [lease(b)]), 0)
    assert.match(await sandbox.ip(a.netns, '-4', 'addr', 'show', 'flannel0'), /inet 198\.18\.1\.0\/32 .*flannel0/)
    assert.match(await sandbox.ip(a.netns, 'link', 'show', 'flannel0'), /mtu 1472 .*state UNKNOWN/)
    assert.match(await sandbox.ip(a.netns, 'route', 'show', 'dev', 'flannel0'), /^198\.18\.0\.0\/16 proto 151 scope link/m, "the route, marked as flanctl's")
    assert.deepEqual(a.keeper.current()!.peers, [{subnet: ip('198.18.2.0'), prefixLen: 24, publicIp: ip('203.0.113.22')}])
  })

  it('packets cross both ways, whole, as one datagram each', async () => {
    for (const [from, to] of [[a, '198.18.2.0'], [b, '198.18.1.0']] as const) {
      // 1400 bytes of payload + 28: fits MTU 1472 unfragmented, and arrives unchanged
      const ping = await sandbox.exec(from.netns, 'ping', '-n', '-c', '3', '-i', '0.2', '-W', '2', '-s', '1400', '-M', 'do', '-p', 'a5', to)
      assert.equal(ping.exitCode, 0, ping.stdout + ping.stderr)
      assert.match(ping.stdout, /3 received/)
    }
  })

  it('a peer removed from the table is no longer reached: the packet is dropped and counted', async () => {
    assert.equal(await reconcile(a, []), 1)
    const ping = await sandbox.exec(a.netns, 'ping', '-n', '-c', '1', '-W', '1', '198.18.2.0')
    assert.notEqual(ping.exitCode, 0)
    const relay = a.keeper.current()!
    await a.keeper.stop()
    const stats = await relay.stop()
    assert.ok(stats !== undefined && stats.noRoute >= 1, JSON.stringify(stats))
  })

  it('a stopped relay takes flannel0 with it; the port is free again; a second relay on a busy port is refused', async () => {
    const gone = await sandbox.exec(a.netns, 'ip', 'link', 'show', 'flannel0')
    assert.notEqual(gone.exitCode, 0, 'flannel0 is gone')
    assert.doesNotMatch((await sandbox.exec(a.netns, 'ss', '-Hunl')).stdout, /:8285/)
    const second = createRelayKeeper(iproute2Platform(b.netns).startUdpRelay, {bindIp: ip(b.publicIp), port: PORT})
    await assert.rejects(second.start(), /TUNSETIFF flannel0: Device or resource busy|bind udp 203\.0\.113\.22:8285: Address already in use/)
  })
})
