// flannel's masquerade and forward rules kept in place with iptables-save / iptables-restore,
// inside a namespace this test creates.
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {createNetnsSandbox, requireRoot, type NetnsSandbox} from '../../helpers/netns.js'
import {ensureRules, iptablesSupportsRandomFully, saveTables} from '../../../src/adapters/iptables/index.js'
import {forwardRules, masqRules, renderRule} from '../../../src/core/masq-rules.js'
import {parseIp4Net} from '../../../src/core/ip4.js'
import {FlanctlError} from '../../../src/core/errors.js'

requireRoot('the iptables adapter tests')

const net = (text: string) => {
  const r = parseIp4Net(text)
  assert.ok(r.ok)
  return r.value
}
const network = net('198.18.0.0/16')

/** The -A lines of a chain, as iptables-save prints them. */
const chain = (dump: string, name: string): string[] => dump.split('\n').filter((l) => l.startsWith(`-A ${name} `))

describe('iptables ensureRules', () => {
  let sb: NetnsSandbox
  let h: string
  let randomFully: boolean
  before(async () => {
    sb = createNetnsSandbox('dp')
    h = await sb.addNetns('ipt')
    randomFully = await iptablesSupportsRandomFully({netns: h})
  })
  after(async () => {
    await sb?.destroy()
  })

  const rules = (subnet: string) => [...masqRules({network, subnet: net(subnet), randomFully}), ...forwardRules(network)]

  it('detects --random-fully support from the iptables version', () => {
    assert.equal(randomFully, true, 'iptables 1.8 on this machine supports --random-fully')
  })

  it('creates the chains and rules in one restore, next to rules that are not ours', async () => {
    await sb.exec(h, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '172.17.0.0/16', '!', '-o', 'docker0', '-j', 'MASQUERADE')
    await sb.exec(h, 'iptables', '-A', 'FORWARD', '-j', 'DROP')
    const first = await ensureRules(rules('198.18.5.0/24'), {netns: h})
    assert.equal(first.changed, true)
    assert.ok(first.problems.length > 0)
    const dump = await saveTables(['nat', 'filter'], {netns: h})
    assert.deepEqual(chain(dump, 'FLANNEL-POSTRTG'), rules('198.18.5.0/24').filter((r) => r.chain === 'FLANNEL-POSTRTG').map((r) => renderRule(r)))
    assert.deepEqual(chain(dump, 'POSTROUTING'), [
      '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
      '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    ])
    assert.deepEqual(chain(dump, 'FORWARD'), ['-A FORWARD -j DROP', '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD'])
    assert.deepEqual(chain(dump, 'FLANNEL-FWD'), [
      '-A FLANNEL-FWD -s 198.18.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
      '-A FLANNEL-FWD -d 198.18.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
    ])
    assert.match(dump, /-j MASQUERADE --random-fully/)
  })

  it('does nothing when every rule is in place', async () => {
    assert.deepEqual(await ensureRules(rules('198.18.5.0/24'), {netns: h}), {changed: false, problems: []})
  })

  it('puts back a rule deleted by hand, without a second jump', async () => {
    const r = await sb.exec(h, 'iptables', '-t', 'nat', '-D', 'FLANNEL-POSTRTG', '-s', '198.18.0.0/16', '-d', '198.18.5.0/24', '-m', 'comment', '--comment', 'flanneld masq', '-j', 'RETURN')
    assert.equal(r.exitCode, 0, r.stderr)
    const fixed = await ensureRules(rules('198.18.5.0/24'), {netns: h})
    assert.deepEqual(fixed, {changed: true, problems: ['nat: chain FLANNEL-POSTRTG differs (1 missing, 0 unexpected)']})
    const dump = await saveTables(['nat'], {netns: h})
    assert.equal(chain(dump, 'FLANNEL-POSTRTG').length, 6)
    assert.equal(chain(dump, 'POSTROUTING').filter((l) => l.includes('FLANNEL-POSTRTG')).length, 1)
    assert.deepEqual((await ensureRules(rules('198.18.5.0/24'), {netns: h})).changed, false)
  })

  it('a jump deleted by hand comes back; duplicates are reduced to one', async () => {
    await sb.exec(h, 'iptables', '-D', 'FORWARD', '-m', 'comment', '--comment', 'flanneld forward', '-j', 'FLANNEL-FWD')
    assert.equal((await ensureRules(rules('198.18.5.0/24'), {netns: h})).changed, true)
    await sb.exec(h, 'iptables', '-t', 'nat', '-I', 'POSTROUTING', '-m', 'comment', '--comment', 'flanneld masq', '-j', 'FLANNEL-POSTRTG')
    assert.deepEqual((await ensureRules(rules('198.18.5.0/24'), {netns: h})).problems, [
      'nat: 2 copies of -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    ])
    const dump = await saveTables(['nat', 'filter'], {netns: h})
    assert.equal(chain(dump, 'POSTROUTING').filter((l) => l.includes('FLANNEL-POSTRTG')).length, 1)
    assert.equal(chain(dump, 'FORWARD').filter((l) => l.includes('FLANNEL-FWD')).length, 1)
    assert.ok(chain(dump, 'POSTROUTING').includes('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'))
  })

  it('a new subnet replaces the old rules in our chain', async () => {
    const changed = await ensureRules(rules('198.18.9.0/24'), {netns: h})
    assert.equal(changed.changed, true)
    const dump = await saveTables(['nat'], {netns: h})
    assert.doesNotMatch(dump, /198\.18\.5\.0\/24/)
    assert.equal(chain(dump, 'FLANNEL-POSTRTG').filter((l) => l.includes('198.18.9.0/24')).length, 3)
  })

  it('a save made earlier (the agent reads the tables at start) is checked instead of saving again; a failed one is not', async () => {
    await ensureRules(rules('198.18.6.0/24'), {netns: h})
    const inPlace = await saveTables([], {netns: h})
    // the early save says all is in place: nothing is run, although a rule is gone by now
    await sb.exec(h, 'iptables', '-t', 'nat', '-F', 'FLANNEL-POSTRTG')
    assert.deepEqual(await ensureRules(rules('198.18.6.0/24'), {netns: h, saved: Promise.resolve(inPlace)}), {changed: false, problems: []})
    // a save that failed: the tables are saved now, and the flushed chain is put back
    const fixed = await ensureRules(rules('198.18.6.0/24'), {netns: h, saved: Promise.reject(new Error('iptables-save: not found'))})
    assert.equal(fixed.changed, true)
    assert.equal(chain(await saveTables(['nat'], {netns: h}), 'FLANNEL-POSTRTG').length, rules('198.18.6.0/24').filter((r) => r.chain === 'FLANNEL-POSTRTG').length)
  })

  it('reports a failing restore as E_SYSTEM naming the command', async () => {
    const bad = [{table: 'nat' as const, chain: 'FLANNEL-POSTRTG', spec: ['-j', 'NO-SUCH-TARGET']}]
    await assert.rejects(ensureRules(bad, {netns: h}), (error: unknown) => {
      assert.ok(error instanceof FlanctlError)
      assert.equal(error.code, 'E_SYSTEM')
      assert.match(error.message, /iptables-restore -w 5 --noflush failed/)
      return true
    })
  })
})
