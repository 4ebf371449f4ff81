// udp's pure parts: desired state from the leases, the relay's longest-prefix table (checked
// against a brute-force search), and what its kinds read back from `ip -j`.
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {udpDesired} from '../../src/backends/udp/desired.js'
import {udpDeviceFromJson} from '../../src/backends/udp/device-kind.js'
import {deviceRoutesFromJson, deviceRouteBatchLines} from '../../src/backends/udp/device-route-kind.js'
import {udpDeviceBatchLines} from '../../src/backends/udp/device-kind.js'
import {createPeerTable, type RelayPeer} from '../../src/backends/udp/relay/peer-table.js'
import {udpBackend} from '../../src/backends/udp/index.js'
import {lease} from '../engine/fakes.js'

const NETWORK = {ip: 0xc6120000, prefixLen: 16}
const own = {subnet: {ip: 0xc6120100, prefixLen: 24}}

describe('udp desired state', () => {
  it('flannel0 with <own subnet>.0/32 and the MTU, the network routed to it, one relay entry per remote udp lease', () => {
    const leases = [
      lease('198.18.1.0/24', '192.0.2.11', {backendType: null}), // ours
      lease('198.18.2.0/24', '192.0.2.12', {backendType: null}),
      lease('198.18.3.0/24', '192.0.2.13'), // vxlan: not a peer
      lease('198.18.4.0/24', '192.0.2.14', {backendType: 'host-gw'}),
      lease('198.18.5.0/24', '192.0.2.15', {backendType: 'udp'}), // written by someone as "udp": still udp
    ]
    const {state, warnings} = udpDesired({ownLease: own, leases, network: NETWORK, device: 'flannel0', mtu: 1472})
    assert.deepEqual(warnings, [])
    assert.deepEqual(state, [
      {kind: 'udp-device', dev: 'flannel0', address: 0xc6120100, mtu: 1472, up: true},
      {kind: 'device-route', dst: NETWORK, dev: 'flannel0'},
      {kind: 'relay-peer', subnet: {ip: 0xc6120200, prefixLen: 24}, publicIp: 0xc000020c},
      {kind: 'relay-peer', subnet: {ip: 0xc6120500, prefixLen: 24}, publicIp: 0xc000020f},
    ])
  })

  it('a lease whose PublicIP is not IPv4 is skipped with a warning naming its key: garbage never reaches the relay', () => {
    const bad = lease('198.18.9.0/24', 'not-an-ip', {backendType: null})
    const {state, warnings} = udpDesired({ownLease: own, leases: [bad], network: NETWORK, device: 'flannel0', mtu: 1472})
    assert.equal(state.filter((e) => e.kind === 'relay-peer').length, 0)
    assert.match(warnings[0]!, /lease 198\.18\.9\.0\/24 \(key \/coreos\.com\/network\/subnets\/198\.18\.9\.0-24\): PublicIP "not-an-ip" is not an IPv4 address; skipped/)
  })

  it('the module: 28 bytes of overhead, Port 8285 by default, leases without BackendType', () => {
    assert.equal(udpBackend.overhead, 28)
    assert.deepEqual(udpBackend.decodeOptions(new Map()), {vni: 0, port: 8285, directRouting: false, mtu: 0})
    assert.deepEqual(udpBackend.leaseAttrs('192.0.2.1', {type: 'udp', vni: 0, port: 8285, directRouting: false, mtu: 0, raw: {}}, ''), {publicIp: '192.0.2.1', publicIpv6: null})
  })
})

describe('the relay table: longest prefix', () => {
  const ip = (text: string): number => text.split('.').reduce((a, b) => a * 256 + Number(b), 0)

  it('picks the longest prefix holding the destination, -1 for none', () => {
    const peers: RelayPeer[] = [
      {subnet: ip('10.0.0.0'), prefixLen: 8, publicIp: 1},
      {subnet: ip('10.5.0.0'), prefixLen: 16, publicIp: 2},
      {subnet: ip('10.5.7.0'), prefixLen: 24, publicIp: 3},
    ]
    const table = createPeerTable(peers)
    assert.equal(table.lookup(ip('10.5.7.9')), 2)
    assert.equal(table.lookup(ip('10.5.8.9')), 1)
    assert.equal(table.lookup(ip('10.6.0.1')), 0)
    // the cached hit must not shadow a longer prefix
    assert.equal(table.lookup(ip('10.5.7.200')), 2)
    assert.equal(table.lookup(ip('11.0.0.1')), -1)
  })

  it('agrees with a brute-force search on random tables and destinations', () => {
    const peer = fc.record({subnet: fc.nat({max: 0xffffffff}), prefixLen: fc.integer({min: 0, max: 32}), publicIp: fc.nat()})
    fc.assert(
      fc.property(fc.array(peer, {maxLength: 20}), fc.array(fc.nat({max: 0xffffffff}), {maxLength: 30}), (peers, dsts) => {
        const table = createPeerTable(peers)
        const mask = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)
        for (const dst of dsts) {
          let best = -1
          peers.forEach((p, i) => {
            const holds = ((dst & mask(p.prefixLen)) >>> 0) === ((p.subnet & mask(p.prefixLen)) >>> 0)
            if (holds && (best < 0 || p.prefixLen > peers[best]!.prefixLen)) best = i
          })
          const got = table.lookup(dst)
          // equal prefixes of one subnet: the first given wins in both
          assert.equal(got < 0 ? -1 : peers[got]!.prefixLen, best < 0 ? -1 : peers[best]!.prefixLen)
          if (got >= 0) assert.equal(((dst & mask(peers[got]!.prefixLen)) >>> 0), ((peers[got]!.subnet & mask(peers[got]!.prefixLen)) >>> 0))
        }
      }),
    )
  })
})

describe('udp kinds read back from ip -j', () => {
  it('flannel0 from `ip -j -4 addr show`; none when the device is gone', () => {
    const rows = [
      {ifname: 'eth0', mtu: 1500, flags: ['UP'], addr_info: [{family: 'inet', local: '203.0.113.11', prefixlen: 24}]},
      {ifname: 'flannel0', mtu: 1472, flags: ['POINTOPOINT', 'UP', 'LOWER_UP'], addr_info: [{family: 'inet', local: '198.18.1.0', prefixlen: 32}]},
    ]
    assert.deepEqual(udpDeviceFromJson(rows, 'flannel0'), [{kind: 'udp-device', dev: 'flannel0', address: 0xc6120100, mtu: 1472, up: true}])
    assert.deepEqual(udpDeviceFromJson([{ifname: 'flannel0', mtu: 1500, flags: ['POINTOPOINT'], addr_info: []}], 'flannel0'), [{kind: 'udp-device', dev: 'flannel0', address: 0, mtu: 1500, up: false}])
    assert.deepEqual(udpDeviceFromJson(rows.slice(0, 1), 'flannel0'), [])
  })

  it('the route on flannel0 inside the network; kernel routes, gateways and other devices are not ours', () => {
    const rows = [
      {dst: '198.18.0.0/16', dev: 'flannel0', scope: 'link'},
      {dst: '198.18.1.0/24', dev: 'docker0', protocol: 'kernel'},
      {dst: '198.18.7.0/24', dev: 'flannel0', gateway: '198.18.7.0'},
      {dst: '10.0.0.0/8', dev: 'flannel0'},
      {dst: '198.18.9.0/24', dev: 'flannel0', metric: 100},
    ]
    assert.deepEqual(deviceRoutesFromJson(rows, 'flannel0', NETWORK), [{kind: 'device-route', dst: NETWORK, dev: 'flannel0'}])
  })

  it('batch lines', () => {
    assert.deepEqual(udpDeviceBatchLines({verb: 'replace', entry: {kind: 'udp-device', dev: 'flannel0', address: 0xc6120100, mtu: 1472, up: true}}), ['address replace 198.18.1.0/32 dev flannel0', 'link set dev flannel0 mtu 1472 up'])
    assert.deepEqual(deviceRouteBatchLines({verb: 'replace', entry: {kind: 'device-route', dst: NETWORK, dev: 'flannel0'}}), ['route replace 198.18.0.0/16 dev flannel0'])
    assert.deepEqual(deviceRouteBatchLines({verb: 'delete', entry: {kind: 'device-route', dst: NETWORK, dev: 'flannel0'}}), ['route del 198.18.0.0/16 dev flannel0'])
  })
})
