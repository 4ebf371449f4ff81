// The firewall checks' walk over an iptables-save -c dump: which rule (or policy) decides a packet.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {parseIp4} from '../../src/core/ip4.js'
import {walkChain, type Packet} from '../../src/core/diagnose/iptables-walk.js'
import {parseIptablesSave} from '../../src/core/diagnose/parse-iptables-save.js'
import {runChecks} from '../../src/core/diagnose/run-checks.js'
import type {DiagnoseSnapshot} from '../../src/core/diagnose/snapshot.js'

const ip = (text: string): number => parseIp4(text)!
const overlay: Packet = {proto: 'icmp', src: ip('198.18.2.2'), dst: ip('198.18.1.2'), inIface: 'flannel.1', outIface: 'docker0'}

function dump(filter: string): ReturnType<typeof parseIptablesSave> {
  return parseIptablesSave(`*filter\n${filter}\nCOMMIT\n`)
}

const CASES: Array<{what: string; filter: string; verdict: string; by: RegExp}> = [
  {what: 'policy ACCEPT, no rules', filter: ':FORWARD ACCEPT [0:0]', verdict: 'ACCEPT', by: /policy ACCEPT/},
  {what: 'policy DROP, no flannel rules: the policy', filter: ':FORWARD DROP [3:180]', verdict: 'DROP', by: /filter FORWARD policy DROP/},
  {
    what: 'policy DROP, flannel\'s FLANNEL-FWD accepts',
    filter: ':FORWARD DROP [0:0]\n:FLANNEL-FWD - [0:0]\n[5:420] -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD\n[5:420] -A FLANNEL-FWD -s 198.18.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
    verdict: 'ACCEPT',
    by: /FLANNEL-FWD -s 198\.18\.0\.0\/16/,
  },
  {
    what: 'a REJECT ahead of the jump wins, with its counter',
    filter: ':FORWARD ACCEPT [0:0]\n:FLANNEL-FWD - [0:0]\n[12:1008] -A FORWARD -j REJECT --reject-with icmp-host-prohibited\n[0:0] -A FORWARD -j FLANNEL-FWD\n[0:0] -A FLANNEL-FWD -s 198.18.0.0/16 -j ACCEPT',
    verdict: 'REJECT',
    by: /^-A FORWARD -j REJECT/,
  },
  {what: 'a DROP for another network does not match', filter: ':FORWARD ACCEPT [0:0]\n-A FORWARD -s 10.0.0.0/8 -j DROP', verdict: 'ACCEPT', by: /policy/},
  {what: 'a negated source that excludes the overlay does not match', filter: ':FORWARD ACCEPT [0:0]\n-A FORWARD ! -s 198.18.0.0/16 -j DROP', verdict: 'ACCEPT', by: /policy/},
  {what: 'an interface match on the overlay device matches', filter: ':FORWARD ACCEPT [0:0]\n-A FORWARD -i flannel+ -j DROP', verdict: 'DROP', by: /-i flannel\+/},
  {what: 'a match it does not understand is passed over', filter: ':FORWARD ACCEPT [0:0]\n-A FORWARD -m set --match-set blocked src -j DROP', verdict: 'ACCEPT', by: /policy/},
  {what: 'RETURN from a user chain goes on in the caller', filter: ':FORWARD DROP [0:0]\n:MINE - [0:0]\n-A FORWARD -j MINE\n-A FORWARD -d 198.18.0.0/16 -j ACCEPT\n-A MINE -j RETURN\n-A MINE -j DROP', verdict: 'ACCEPT', by: /-d 198\.18\.0\.0\/16 -j ACCEPT/},
  {what: 'only NEW counts: an ESTABLISHED accept does not let the first packet in', filter: ':FORWARD DROP [0:0]\n-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', verdict: 'DROP', by: /policy DROP/},
]

for (const c of CASES) {
  test(`iptables walk: ${c.what}`, () => {
    const {rules, policies} = dump(c.filter)
    const r = walkChain(rules, policies, 'filter', 'FORWARD', overlay)
    assert.equal(r.verdict, c.verdict)
    assert.match(r.by, c.by)
  })
}

test('iptables-save -c: counters kept, quoting removed', () => {
  const {rules} = dump('[12:1008] -A FORWARD -m comment --comment "flanctl lab fault" -j REJECT')
  assert.deepEqual(rules[0], {table: 'filter', chain: 'FORWARD', spec: ['-m', 'comment', '--comment', 'flanctl lab fault', '-j', 'REJECT'], text: '-A FORWARD -m comment --comment "flanctl lab fault" -j REJECT', packets: 12, bytes: 1008})
})

test('firewall.icmp-frag: a DROP of fragmentation-needed fails, a DROP of echo-request does not', () => {
  const load = (): DiagnoseSnapshot => JSON.parse(readFileSync(new URL('./fixtures/diagnose/healthy.json', import.meta.url), 'utf8')) as DiagnoseSnapshot
  const withInput = (line: string): DiagnoseSnapshot => {
    const s = load()
    assert.ok(s.firewall.ok)
    s.firewall.value.rules.unshift(...dump(line).rules)
    return s
  }
  const frag = runChecks(withInput('[4:2240] -A INPUT -p icmp -m icmp --icmp-type 3/4 -j DROP')).checks.find((c) => c.id === 'firewall.icmp-frag')!
  assert.equal(frag.status, 'fail')
  assert.equal(frag.fix, 'iptables -t filter -D INPUT -p icmp -m icmp --icmp-type 3/4 -j DROP')
  assert.equal(runChecks(withInput('-A INPUT -p icmp -m icmp --icmp-type echo-request -j DROP')).checks.find((c) => c.id === 'firewall.icmp-frag')!.status, 'pass')
})
