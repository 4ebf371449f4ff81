import {test} from 'node:test'
import assert from 'node:assert/strict'
import {forwardRules, masqRules, wantedRules} from '../../src/core/masq-rules.js'
import {isPeer, ownLeases, peersOf} from '../../src/core/peers.js'
import {lease} from '../engine/fakes.js'

const own = lease('198.18.1.0/24', '192.0.2.11')
const vxlanPeer = lease('198.18.2.0/24', '192.0.2.12')
const hostGw = lease('198.18.3.0/24', '192.0.2.13', {backendType: 'host-gw'})
const udp = lease('198.18.4.0/24', '192.0.2.14', {backendType: null})
const stale = lease('198.18.5.0/24', '192.0.2.11')

test('peers: the other leases of our backend type; ours and other types are not', () => {
  const rule = {ownKey: own.key, backendType: 'vxlan'}
  assert.deepEqual(peersOf([own, vxlanPeer, hostGw, udp, stale], rule).map((l) => l.key), [vxlanPeer.key, stale.key])
  assert.equal(isPeer(own, rule), false)
  assert.equal(isPeer(udp, {ownKey: own.key, backendType: 'udp'}), true, 'no BackendType means udp')
  assert.equal(isPeer(hostGw, {ownKey: own.key, backendType: 'host-gw'}), true)
})

test('own leases: every lease whose PublicIP is ours', () => {
  assert.deepEqual(ownLeases([own, vxlanPeer, stale], 0xc000020b).map((l) => l.key), [own.key, stale.key])
  assert.deepEqual(ownLeases([vxlanPeer], 0xc000020b), [])
})

test('wanted rules: masquerade with --ip-masq, forward with --iptables-forward-rules, in that order', () => {
  const network = {ip: 0xc6120000, prefixLen: 16}
  const subnet = {ip: 0xc6120100, prefixLen: 24}
  const both = wantedRules({network, subnet, ipMasq: true, forwardRules: true, randomFully: true})
  assert.deepEqual(both, [...masqRules({network, subnet, randomFully: true}), ...forwardRules(network)])
  assert.deepEqual(wantedRules({network, subnet, ipMasq: false, forwardRules: true, randomFully: true}), forwardRules(network))
  assert.deepEqual(wantedRules({network, subnet, ipMasq: true, forwardRules: false, randomFully: false}), masqRules({network, subnet, randomFully: false}))
  assert.deepEqual(wantedRules({network, subnet, ipMasq: false, forwardRules: false, randomFully: false}), [])
})
