// runChecks on snapshots recorded on a vxlan lab host (`flanctl diagnose --save-snapshot`):
// healthy, and with each fault `flanctl lab fault` injects. Pure: a snapshot in, checks out.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {CHECKS, LAYERS} from '../../src/core/diagnose/check-list.js'
import {diagnoseExitCode, runChecks} from '../../src/core/diagnose/run-checks.js'
import type {DiagnoseSnapshot} from '../../src/core/diagnose/snapshot.js'

function snapshot(name: string): DiagnoseSnapshot {
  return JSON.parse(readFileSync(new URL(`./fixtures/diagnose/${name}.json`, import.meta.url), 'utf8')) as DiagnoseSnapshot
}

function failing(s: DiagnoseSnapshot): string[] {
  return runChecks(s).checks.filter((c) => c.status === 'fail').map((c) => c.id)
}

const CASES: Array<{fixture: string; fails: string[]; exit: number; fix?: RegExp; warns?: string[]}> = [
  {fixture: 'healthy', fails: [], exit: 0},
  {fixture: 'forward-blocked', fails: ['firewall.forward'], exit: 1, fix: /^iptables -t filter -D FORWARD -m comment --comment "flanctl lab fault" -j REJECT/},
  {fixture: 'ip-forward-off', fails: ['host.ip-forward'], exit: 1, fix: /^sysctl -w net\.ipv4\.ip_forward=1$/},
  {fixture: 'encap-port-dropped', fails: ['firewall.encap-port', 'probes.overlay'], exit: 1, fix: /^iptables -t filter -D INPUT -p udp -m udp --dport 8472 /},
  {fixture: 'peer-encap-port-dropped', fails: ['probes.overlay'], exit: 1, fix: /UDP 8472/},
  {fixture: 'underlay-mtu', fails: ['probes.path-mtu'], exit: 1, fix: /MTU/},
  {fixture: 'agent-stopped', fails: ['agent.process'], exit: 1},
  {fixture: 'route-removed', fails: ['dataplane.peers', 'probes.overlay'], exit: 1, fix: /^ip route replace 198\.18\.\d+\.0\/24 via 198\.18\.\d+\.0 dev flannel\.1 onlink$/, warns: ['agent.process', 'agent.health']},
  {fixture: 'fdb-removed', fails: ['dataplane.peers', 'probes.overlay'], exit: 1, fix: /^bridge fdb replace [0-9a-f:]{17} dev flannel\.1 dst 203\.0\.113\.\d+ self permanent$/, warns: ['agent.process', 'agent.health']},
  {fixture: 'duplicate-public-ip', fails: ['lease.duplicates'], exit: 1, fix: /^flanctl lease release 198\.18\.255\.0\/24$/, warns: ['lease.own']},
  {fixture: 'stale-subnet-env', fails: ['lease.subnet-env'], exit: 1, fix: /restart flanctl up/i},
  {fixture: 'etcd-unreachable', fails: ['etcd.reachable', 'etcd.endpoints', 'etcd.cluster'], exit: 5},
  {fixture: 'wrong-prefix', fails: ['config.present'], exit: 1, fix: /--etcd-prefix \/coreos\.com\/network/},
]

for (const c of CASES) {
  test(`diagnose ${c.fixture}: fails ${c.fails.join(', ') || 'nothing'}, exit ${c.exit}`, () => {
    const s = snapshot(c.fixture)
    const report = runChecks(s)
    assert.deepEqual(failing(s), c.fails)
    assert.equal(diagnoseExitCode(report), c.exit)
    if (c.fix !== undefined) assert.match(report.checks.find((x) => x.id === c.fails[0])!.fix ?? '', c.fix)
    if (c.warns !== undefined) assert.deepEqual(report.checks.filter((x) => x.status === 'warn').map((x) => x.id), c.warns)
    assert.equal(report.checks.length, CHECKS.length)
  })
}

test('diagnose: a failed check makes the checks that need it skip, naming the first failure', () => {
  const report = runChecks(snapshot('etcd-unreachable'))
  const lease = report.checks.find((c) => c.id === 'lease.own')!
  assert.equal(lease.status, 'skip')
  assert.equal(lease.blockedBy, 'etcd.reachable', 'through config.present and config.valid, the root cause is named')
  const probes = report.checks.find((c) => c.id === 'probes.path-mtu')!
  assert.equal(probes.blockedBy, 'etcd.reachable')
  assert.equal(report.checks.find((c) => c.id === 'host.ip-forward')!.status, 'pass', 'checks that need no etcd still run')
})

test('diagnose: without root the kernel checks skip with the reason and the run is incomplete (exit 11)', () => {
  const s = snapshot('healthy')
  s.host.root = false
  s.host.ipForward = undefined
  const report = runChecks(s)
  for (const id of ['host.ip-forward', 'firewall.forward', 'firewall.encap-port', 'probes.underlay']) {
    const check = report.checks.find((c) => c.id === id)!
    assert.equal(check.status, 'skip', id)
    assert.match(check.evidence.join(' '), /root/, id)
  }
  assert.equal(report.incomplete, true)
  assert.equal(diagnoseExitCode(report), 11)
})

test('diagnose: the probes\' verdict is interpreted: underlay ok, overlay lost = encapsulation dropped, port named', () => {
  const check = runChecks(snapshot('peer-encap-port-dropped')).checks.find((c) => c.id === 'probes.overlay')!
  assert.match(check.evidence.join('\n'), /underlay answers but the overlay does not .*UDP 8472/)
  const own = runChecks(snapshot('route-removed')).checks.find((c) => c.id === 'probes.overlay')!
  assert.match(own.evidence.join('\n'), /this host lacks kernel entries/, 'a peer this host has no entries for is not blamed on the network')
})

test('diagnose: the MTU chain names the first break; the bridge is judged against the lease', () => {
  const s = snapshot('healthy')
  assert.ok(s.dataplane?.ok)
  s.dataplane.value.bridges = [{name: 'docker0', mtu: 1500, addresses: ['172.17.0.1/16']}]
  const report = runChecks(s)
  const mtu = report.checks.find((c) => c.id === 'dataplane.mtu')!
  assert.equal(mtu.status, 'fail')
  assert.match(mtu.evidence[0]!, /first break: docker0 MTU 1500 is above 1450/)
  assert.equal(mtu.fix, 'ip link set docker0 mtu 1450 (and docker\'s --mtu=1450: flanctl docker-opts)')
  assert.equal(report.checks.find((c) => c.id === 'dataplane.bridge-address')!.status, 'fail')
})

test('diagnose: the device is compared field by field with the lease (VtepMAC)', () => {
  const s = snapshot('healthy')
  assert.ok(s.dataplane?.ok && s.dataplane.value.device?.actual)
  s.dataplane.value.device.actual.mac = '02:00:00:00:00:01'
  s.dataplane.value.device.actual.mtu = 1400
  const check = runChecks(s).checks.find((c) => c.id === 'dataplane.device')!
  assert.equal(check.status, 'fail')
  assert.match(check.evidence.join('\n'), /mac is 02:00:00:00:00:01, should be /)
  assert.match(check.fix ?? '', /ip link set flannel\.1 mtu 1450/)
})

test('diagnose: etcd per endpoint: a refused remote endpoint gets the localhost-only hint; the cluster verdict says unreachable', () => {
  const report = runChecks(snapshot('etcd-unreachable'))
  const endpoints = report.checks.find((c) => c.id === 'etcd.endpoints')!
  assert.match(endpoints.evidence[0]!, /^http:\/\/203\.0\.113\.1:2399: tcp: connection refused/)
  assert.match(endpoints.fix ?? '', /localhost only/)
  const healthy = runChecks(snapshot('healthy')).checks.find((c) => c.id === 'etcd.cluster')!
  assert.equal(healthy.status, 'pass')
  assert.match(healthy.evidence[0]!, /^healthy: 1 of 1 member answers, leader \d+/)
})

test('diagnose: the list is the one place: unique ids, known layers, needs only earlier checks', () => {
  const seen = new Set<string>()
  for (const c of CHECKS) {
    assert.ok(!seen.has(c.id), `unique ${c.id}`)
    assert.ok((LAYERS as readonly string[]).includes(c.layer))
    for (const need of c.needs) assert.ok(seen.has(need), `${c.id} needs ${need}, listed before it`)
    seen.add(c.id)
  }
})
