import {test} from 'node:test'
import assert from 'node:assert/strict'
import {leasePart, ownLeasesInUseFirst} from '../../src/engine/diagnose/gather-etcd.js'
import {decodeNetworkConfig} from '../../src/backends/network-config.js'
import {lease} from './fakes.js'

const inUse = lease('198.18.29.0/24', '192.0.2.11')
const stale = lease('198.18.255.0/24', '192.0.2.11', {reservation: true})
const peer = lease('198.18.30.0/24', '192.0.2.12')
const list = {leases: [stale, inUse, peer], warnings: [], revision: '7'}
const config = decodeNetworkConfig('{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}', 'test')

test('diagnose: of two leases with our public IP, the one subnet.env names is the one in use', () => {
  assert.deepEqual(ownLeasesInUseFirst(list, 0xc000020b, '198.18.29.0/24').map((l) => l.key), [inUse.key, stale.key])
  assert.deepEqual(ownLeasesInUseFirst(list, 0xc000020b, undefined).map((l) => l.key), [stale.key, inUse.key], 'no subnet.env: the agent\'s order')
})

test('diagnose: lease facts: in range, overlaps, our keys', () => {
  assert.ok(config.ok)
  const part = leasePart({...list, leases: [...list.leases, lease('198.18.29.0/25', '192.0.2.13')]}, config.value, 0xc000020b, '198.18.29.0/24')
  assert.deepEqual(part.ownKeys, [inUse.key, stale.key])
  assert.equal(part.leases.find((l) => l.subnet === '198.18.29.0/25')?.inRange, false, 'a /25 in a /24 network is out of range')
  assert.equal(part.overlaps.length, 1)
  assert.match(part.overlaps[0]!, /198\.18\.29\.0\/24 .* and 198\.18\.29\.0\/25/)
})
