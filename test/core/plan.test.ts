import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {plan as planIn, countOps} from '../../src/core/plan.js'
import {entryId as idIn, formatOp as formatOpIn, type DataplaneState, type KernelEntry, type Op} from '../../src/core/dataplane-state.js'
import type {RouteEntry} from '../../src/backends/route-kind.js'
import type {FdbEntry} from '../../src/backends/vxlan/fdb-kind.js'
import type {NeighEntry} from '../../src/backends/vxlan/neigh-kind.js'
import {ROUTING_KINDS} from '../helpers/entries.js'
import {parseIp4} from '../../src/core/ip4.js'

const ip = (text: string): number => parseIp4(text)!
const net = (text: string) => ({ip: ip(text.split('/')[0]), prefixLen: Number(text.split('/')[1])})
const route = (dst: string, via: string, dev = 'flannel.1', onlink = true): RouteEntry => ({kind: 'route', dst: net(dst), via: ip(via), dev, onlink})
const neigh = (addr: string, lladdr: string, permanent = true): NeighEntry => ({kind: 'neigh', ip: ip(addr), lladdr, dev: 'flannel.1', permanent})
const fdb = (lladdr: string, dst: string): FdbEntry => ({kind: 'fdb', lladdr, dst: ip(dst), dev: 'flannel.1'})
type DataplaneEntry = RouteEntry | NeighEntry | FdbEntry
const state = (...entries: DataplaneEntry[]): DataplaneEntry[] => entries
const entryId = (entry: KernelEntry): string => idIn(ROUTING_KINDS, entry)
const plan = (desired: DataplaneState, observed: DataplaneState): Op[] => planIn(ROUTING_KINDS, desired, observed)
const text = (ops: Op[]): string[] => ops.map((op) => formatOpIn(ROUTING_KINDS, op))

/** What the kernel would hold after the ops (the adapter's semantics: replace overwrites, delete-of-absent is fine). */
function applyToState(ops: readonly Op[], before: DataplaneState): DataplaneEntry[] {
  const byId = new Map<string, DataplaneEntry>()
  for (const e of before as DataplaneEntry[]) if (!byId.has(entryId(e))) byId.set(entryId(e), e)
  for (const op of ops) {
    if (op.verb === 'replace') byId.set(entryId(op.entry), op.entry as DataplaneEntry)
    else byId.delete(entryId(op.entry))
  }
  return state(...byId.values())
}

const peer7 = [fdb('0a:00:00:00:00:07', '192.0.2.7'), neigh('198.18.7.0', '0a:00:00:00:00:07'), route('198.18.7.0/24', '198.18.7.0')]
const peer8 = [fdb('0a:00:00:00:00:08', '192.0.2.8'), neigh('198.18.8.0', '0a:00:00:00:00:08'), route('198.18.8.0/24', '198.18.8.0')]

describe('plan', () => {
  const cases: {name: string; desired: DataplaneEntry[]; observed: DataplaneEntry[]; ops: string[]}[] = [
    {name: 'nothing wanted, nothing there', desired: state(), observed: state(), ops: []},
    {
      name: 'a new peer: fdb, neighbour, then route',
      desired: state(...peer7),
      observed: state(),
      ops: [
        'replace fdb 0a:00:00:00:00:07 dev flannel.1 dst 192.0.2.7',
        'replace neigh 198.18.7.0 lladdr 0a:00:00:00:00:07 dev flannel.1 nud permanent',
        'replace route 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink',
      ],
    },
    {name: 'already in place', desired: state(...peer7, ...peer8), observed: state(...peer8, ...peer7), ops: []},
    {
      name: 'a peer gone: route, then neighbour, then fdb',
      desired: state(...peer7),
      observed: state(...peer7, ...peer8),
      ops: [
        'delete route 198.18.8.0/24 via 198.18.8.0 dev flannel.1 onlink',
        'delete neigh 198.18.8.0 lladdr 0a:00:00:00:00:08 dev flannel.1 nud permanent',
        'delete fdb 0a:00:00:00:00:08 dev flannel.1 dst 192.0.2.8',
      ],
    },
    {
      name: 'a peer moved to a new public IP: only the fdb entry changes',
      desired: state(fdb('0a:00:00:00:00:07', '192.0.2.70'), ...peer7.slice(1)),
      observed: state(...peer7),
      ops: ['replace fdb 0a:00:00:00:00:07 dev flannel.1 dst 192.0.2.70'],
    },
    {
      name: 'a route that differs in gateway, device or onlink is replaced',
      desired: state(route('198.18.7.0/24', '198.18.7.0'), route('198.18.9.0/24', '192.0.2.9', 'eth0', false)),
      observed: state(route('198.18.7.0/24', '198.18.7.0', 'flannel.1', false), route('198.18.9.0/24', '198.18.9.0')),
      ops: [
        'replace route 198.18.7.0/24 via 198.18.7.0 dev flannel.1 onlink',
        'replace route 198.18.9.0/24 via 192.0.2.9 dev eth0',
      ],
    },
    {
      name: 'a non-permanent neighbour is the kernel cache: never deleted, replaced when wanted',
      desired: state(neigh('198.18.7.0', '0a:00:00:00:00:07')),
      observed: state(neigh('198.18.7.0', '', false), neigh('198.18.9.0', '', false)),
      ops: ['replace neigh 198.18.7.0 lladdr 0a:00:00:00:00:07 dev flannel.1 nud permanent'],
    },
    {
      name: 'two leases wanting one route: the first wins, once',
      desired: state(route('198.18.7.0/24', '192.0.2.7', 'eth0', false), route('198.18.7.0/24', '192.0.2.77', 'eth0', false)),
      observed: state(),
      ops: ['replace route 198.18.7.0/24 via 192.0.2.7 dev eth0'],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(text(plan(c.desired, c.observed)), c.ops)
    })
  }

  it('counts replaces and deletes', () => {
    assert.deepEqual(countOps(plan(state(...peer7), state(...peer8))), {replace: 3, delete: 3})
  })

  const arbEntry: fc.Arbitrary<DataplaneEntry> = fc.oneof(
    fc.record({
      kind: fc.constant('route' as const),
      dst: fc.record({ip: fc.integer({min: 0, max: 7}).map((n) => ip('198.18.0.0') + n * 256), prefixLen: fc.constant(24)}),
      via: fc.integer({min: 0, max: 3}).map((n) => ip('192.0.2.0') + n),
      dev: fc.constantFrom('flannel.1', 'eth0'),
      onlink: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('neigh' as const),
      ip: fc.integer({min: 0, max: 7}).map((n) => ip('198.18.0.0') + n * 256),
      lladdr: fc.constantFrom('0a:00:00:00:00:01', '0a:00:00:00:00:02'),
      dev: fc.constant('flannel.1'),
      permanent: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('fdb' as const),
      lladdr: fc.constantFrom('0a:00:00:00:00:01', '0a:00:00:00:00:02', '0a:00:00:00:00:03'),
      dst: fc.integer({min: 0, max: 3}).map((n) => ip('192.0.2.0') + n),
      dev: fc.constant('flannel.1'),
    }),
  )
  const permanentOnly = (e: DataplaneEntry): DataplaneEntry => (e.kind === 'neigh' ? {...e, permanent: true} : e)

  it('applying the plan reaches the desired state, and planning again gives nothing (property)', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, {maxLength: 20}), fc.array(arbEntry, {maxLength: 20}), (want, have) => {
        const desired = state(...want.map(permanentOnly))
        const observed = state(...have)
        const after = applyToState(plan(desired, observed), observed)
        assert.deepEqual(plan(desired, after), [])
        // every desired identity holds its first desired entry
        for (const e of desired) {
          const first = desired.find((d) => entryId(d) === entryId(e))
          assert.ok(after.some((a) => entryId(a) === entryId(e) && JSON.stringify(a) === JSON.stringify(first)))
        }
        // nothing owned and unwanted is left
        const wanted = new Set(desired.map(entryId))
        for (const a of after) {
          assert.ok(wanted.has(entryId(a)) || (a.kind === 'neigh' && !a.permanent))
        }
      }),
    )
  })

  it('5,000 peers: everything once, then nothing', () => {
    const entries: DataplaneEntry[] = []
    for (let i = 0; i < 5000; i++) {
      const subnet = ip('198.18.0.0') + i * 8
      const mac = `0a:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`
      entries.push({kind: 'fdb', lladdr: mac, dst: ip('192.0.2.0') + (i % 250) + 1, dev: 'flannel.1'})
      entries.push({kind: 'neigh', ip: subnet, lladdr: mac, dev: 'flannel.1', permanent: true})
      entries.push({kind: 'route', dst: {ip: subnet, prefixLen: 29}, via: subnet, dev: 'flannel.1', onlink: true})
    }
    const desired = state(...entries)
    const ops = plan(desired, state())
    assert.equal(ops.length, 15000)
    assert.deepEqual(plan(desired, applyToState(ops, state())), [])
    assert.equal(plan(state(), desired).length, 15000)
  })
})
