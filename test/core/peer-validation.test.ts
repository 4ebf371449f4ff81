// Lease data that must never reach the kernel: subnets outside the Network or of another length,
// unusable PublicIPs, and conflicts decided by age.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {leaseProblem, olderFirst, publicIpProblem, withoutConflicts, type LeaseShape} from '../../src/core/peer-validation.js'
import {parseIp4} from '../../src/core/ip4.js'
import type {Lease} from '../../src/core/types.js'
import {lease} from '../engine/fakes.js'

const shape: LeaseShape = {network: {ip: parseIp4('198.18.0.0')!, prefixLen: 16}, subnetLen: 24, ownAddresses: [parseIp4('203.0.113.1')!]}

test('a lease is a peer only with a SubnetLen subnet inside the Network', () => {
  assert.equal(leaseProblem(lease('198.18.2.0/24', '203.0.113.2'), shape), undefined)
  for (const subnet of ['0.0.0.0/0', '10.0.0.0/8', '192.168.0.0/16', '198.18.0.0/16', '198.18.2.0/25', '198.19.2.0/24']) {
    const problem = leaseProblem(lease(subnet, '203.0.113.2'), shape)
    assert.match(problem ?? '', new RegExp(`lease /coreos.com/network/subnets/${subnet.replace('/', '-').replace(/\./g, '\\.')}: subnet ${subnet.replace(/\./g, '\\.')} is not a /24 inside the Network 198\\.18\\.0\\.0/16`), subnet)
  }
})

test('a PublicIP that is loopback, unspecified, multicast, broadcast or our own is not a peer', () => {
  const cases: Array<[string, RegExp]> = [
    ['127.0.0.1', /PublicIP 127\.0\.0\.1 is a loopback address/],
    ['127.9.9.9', /loopback/],
    ['0.0.0.0', /PublicIP 0\.0\.0\.0 is the unspecified address/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.255', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['203.0.113.1', /this host's own address, on a subnet that is not ours/],
  ]
  for (const [ip, why] of cases) assert.match(leaseProblem(lease('198.18.2.0/24', ip), shape) ?? '', why, ip)
  for (const ip of ['203.0.113.2', '10.0.0.1', '223.255.255.255', '240.0.0.1']) assert.equal(publicIpProblem(parseIp4(ip)!), undefined, ip)
})

const at = (l: Lease, revision: string | undefined): Lease => ({...l, createRevision: revision})

test('conflicts: the older lease (create revision) keeps the claim, the newer is skipped', () => {
  const a = at(lease('198.18.2.0/24', '203.0.113.2'), '50')
  const b = at(lease('198.18.3.0/24', '203.0.113.3'), '7')
  const c = at(lease('198.18.4.0/24', '203.0.113.4'), '9')
  const claim = (l: Lease) => (l === c ? ['y'] : ['x'])
  const {kept, conflicts} = withoutConflicts([a, b, c], claim)
  assert.deepEqual(kept, [b, c], 'b is older than a: a is skipped, the input order is kept')
  assert.deepEqual(conflicts, [{kept: b, skipped: a}])
  assert.deepEqual(withoutConflicts([a, c], claim), {kept: [a, c], conflicts: []})
  assert.deepEqual([at(a, undefined), b].sort(olderFirst), [b, at(a, undefined)], 'without a revision: last')
  assert.deepEqual([at(a, '1'), at(b, '1')].sort(olderFirst).map((l) => l.key), [a.key, b.key], 'same revision: by key')
})
