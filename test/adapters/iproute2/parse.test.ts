// The pure parts of the iproute2 adapter: reading `ip -j` / `bridge -j` output into
// dataplane-state (only what flanctl owns) and the batch text and error parsing. No kernel here.
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {batchFailures} from '../../../src/adapters/iproute2/apply.js'
import {routeBatchLines, routesFromJson as routesOf, type RouteEntry} from '../../../src/backends/route-kind.js'
import {fdbBatchLines, fdbFromJson, type FdbEntry} from '../../../src/backends/vxlan/fdb-kind.js'
import {neighBatchLines, neighsFromJson, type NeighEntry} from '../../../src/backends/vxlan/neigh-kind.js'
import {ownedFdb} from '../../../src/backends/vxlan/dataplane.js'
import type {Op} from '../../../src/core/dataplane-state.js'
import {formatOf as formatEntry} from '../../helpers/entries.js'
import {parseIp4, parseIp4Net} from '../../../src/core/ip4.js'

const net = (text: string) => {
  const r = parseIp4Net(text)
  assert.ok(r.ok)
  return r.value
}
const ip = (text: string) => parseIp4(text)!
const options = {device: 'flannel.1', externalInterface: 'eth0', network: net('198.18.0.0/16')}
const routesFromJson = (rows: Parameters<typeof routesOf>[0], _o: typeof options) => routesOf(rows)
/** each kind's batch lines, as the backends' kernel ports write them */
function batchLines(op: Op): string[] {
  if (op.entry.kind === 'route') return routeBatchLines(op as Op<RouteEntry>)
  if (op.entry.kind === 'neigh') return neighBatchLines(op as Op<NeighEntry>)
  return fdbBatchLines(op as Op<FdbEntry>)
}

describe('reading ip -j output', () => {
  it('keeps the unicast routes with a gateway and the default metric (the command asks for flanctl\'s protocol only)', () => {
    const rows = JSON.parse(
      '[{"dst":"default","gateway":"192.0.2.254","dev":"eth0","flags":[]},' +
        '{"dst":"192.0.2.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"192.0.2.1","flags":[]},' +
        '{"dst":"198.18.7.0/24","gateway":"198.18.7.0","dev":"flannel.1","flags":["onlink"]},' +
        '{"dst":"198.18.9.0/24","gateway":"192.0.2.9","dev":"eth0","flags":[]},' +
        '{"dst":"198.18.10.0/24","gateway":"192.0.2.10","dev":"eth1","flags":[]},' +
        '{"dst":"198.18.11.0/24","gateway":"192.0.2.11","dev":"eth0","metric":100,"flags":[]},' +
        '{"dst":"198.18.12.0/24","dev":"flannel.1","scope":"link","flags":[]},' +
        '{"dst":"203.0.113.0/24","gateway":"192.0.2.254","dev":"eth0","flags":[]},' +
        '{"type":"blackhole","dst":"198.18.13.0/24","flags":[]},' +
        '{"dst":"198.18.14.5","gateway":"192.0.2.14","dev":"eth0","flags":[]}]',
    )
    assert.deepEqual(routesFromJson(rows, options).map(formatEntry), [
      'route 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink',
      'route 198.18.9.0/24 via 192.0.2.9 dev eth0',
      // marked routes of an earlier network config or another device are ours too: removed when unexplained
      'route 198.18.10.0/24 via 192.0.2.10 dev eth1',
      'route 203.0.113.0/24 via 192.0.2.254 dev eth0',
      'route 198.18.14.5/32 via 192.0.2.14 dev eth0',
    ])
  })

  it("reads neighbours inside the network that carry flanctl's protocol; an administrator's or the kernel's are not ours", () => {
    const rows = JSON.parse(
      '[{"dst":"198.18.7.0","lladdr":"0A:00:00:00:00:07","state":["PERMANENT"],"protocol":"151"},' +
        '{"dst":"198.18.6.0","lladdr":"0a:00:00:00:00:06","state":["PERMANENT"]},' +
        '{"dst":"198.18.5.0","lladdr":"0a:00:00:00:00:05","state":["PERMANENT"],"protocol":"static"},' +
        '{"dst":"198.18.8.0","state":["FAILED"]},' +
        '{"dst":"10.0.0.1","lladdr":"0a:00:00:00:00:01","state":["PERMANENT"]}]',
    )
    assert.deepEqual(neighsFromJson(rows, 'flannel.1').map(formatEntry), ['neigh 198.18.7.0 lladdr 0a:00:00:00:00:07 dev flannel.1 nud permanent'])
  })

  it('an fdb entry is ours when its MAC is one of our neighbours\' or one we installed', () => {
    const neigh = {kind: 'neigh', ip: ip('198.18.7.0'), lladdr: '0a:00:00:00:00:07', dev: 'flannel.1', permanent: true}
    const fdb = (mac: string) => ({kind: 'fdb', lladdr: mac, dst: ip('192.0.2.7'), dev: 'flannel.1'})
    const observed = [fdb('0a:00:00:00:00:07'), fdb('0a:00:00:00:00:08'), fdb('0a:00:00:00:00:09'), neigh]
    assert.deepEqual(ownedFdb(observed, new Set(['0a:00:00:00:00:09'])).map(formatEntry), [
      'fdb 0a:00:00:00:00:07 dev flannel.1 dst 192.0.2.7',
      'fdb 0a:00:00:00:00:09 dev flannel.1 dst 192.0.2.7',
      'neigh 198.18.7.0 lladdr 0a:00:00:00:00:07 dev flannel.1 nud permanent',
    ])
  })

  it('reads permanent remote fdb entries, not the flooding entry', () => {
    const rows = JSON.parse(
      '[{"mac":"0a:00:00:00:00:07","dst":"192.0.2.7","flags":["self"],"state":"permanent"},' +
        '{"mac":"00:00:00:00:00:00","dst":"192.0.2.99","flags":["self"],"state":"permanent"},' +
        '{"mac":"0a:00:00:00:00:08","dst":"192.0.2.8","flags":["self"],"state":""},' +
        '{"mac":"0a:00:00:00:00:09","flags":["self"],"state":"permanent"}]',
    )
    assert.deepEqual(fdbFromJson(rows, 'flannel.1').map(formatEntry), ['fdb 0a:00:00:00:00:07 dev flannel.1 dst 192.0.2.7'])
  })

  it('never throws on odd JSON (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), (rows) => {
        routesFromJson(rows as never[], options)
        neighsFromJson(rows as never[], 'flannel.1')
        fdbFromJson(rows as never[], 'flannel.1')
      }),
    )
  })
})

describe('batch lines and failures', () => {
  const route: Op<RouteEntry> = {verb: 'replace', entry: {kind: 'route', dst: net('198.18.7.0/24'), via: ip('198.18.7.0'), dev: 'flannel.1', onlink: true}}
  const neighDel: Op<NeighEntry> = {verb: 'delete', entry: {kind: 'neigh', ip: ip('198.18.7.0'), lladdr: '0a:00:00:00:00:07', dev: 'flannel.1', permanent: true}}
  const routeDel: Op<RouteEntry> = {verb: 'delete', entry: {kind: 'route', dst: net('198.18.8.0/24'), via: ip('192.0.2.8'), dev: 'eth0', onlink: false}}
  const fdbAdd: Op<FdbEntry> = {verb: 'replace', entry: {kind: 'fdb', lladdr: '0a:00:00:00:00:07', dst: ip('192.0.2.7'), dev: 'flannel.1'}}

  it('writes iproute2 batch syntax; a neighbour delete is replace + del so it cannot fail', () => {
    assert.deepEqual(
      [route, neighDel, routeDel, fdbAdd, {...fdbAdd, verb: 'delete'} as Op].flatMap(batchLines),
      [
        'route replace 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink proto 151',
        'neigh replace 198.18.7.0 lladdr 0a:00:00:00:00:07 dev flannel.1 nud permanent protocol 151',
        'neigh del 198.18.7.0 dev flannel.1',
        'route del 198.18.8.0/24 via 192.0.2.8 dev eth0 proto 151',
        'fdb replace 0a:00:00:00:00:07 dev flannel.1 dst 192.0.2.7 self permanent',
        'fdb del 0a:00:00:00:00:07 dev flannel.1 dst 192.0.2.7 self',
      ],
    )
  })

  it('pairs "Command failed -:N" with its message; an absent entry on delete is success', () => {
    const lines = [route, routeDel, route].map((op) => ({deleting: op.verb === 'delete', text: batchLines(op)[0]}))
    const stderr = 'RTNETLINK answers: No such process\nCommand failed -:2\nError: Nexthop has invalid gateway.\nCommand failed -:3\n'
    const failures = batchFailures(stderr, lines, 1)
    assert.equal(failures.length, 1)
    assert.equal(failures[0].message, 'route replace 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink proto 151: Error: Nexthop has invalid gateway.')
  })

  it('a message with no "Command failed" after it means the batch stopped early', () => {
    const lines = [neighDel].map((op) => ({deleting: true, text: batchLines(op)[0]}))
    const failures = batchFailures('RTNETLINK answers: No such file or directory\n', lines, 2)
    assert.deepEqual(failures.map((f) => f.message), ['stopped early: RTNETLINK answers: No such file or directory'])
    assert.deepEqual(batchFailures('', lines, 2).map((f) => f.message), ['stopped early: exit 2'])
  })
})
