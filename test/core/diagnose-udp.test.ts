// runChecks on a snapshot recorded on a udp lab host (`flanctl lab diagnose h1 -- --save-snapshot`):
// healthy, every udp check passing; then flannel0 with the wrong MTU, missing, and without the
// relay's socket, found by dataplane.device.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {runChecks} from '../../src/core/diagnose/run-checks.js'
import type {DiagnoseSnapshot} from '../../src/core/diagnose/snapshot.js'

function udpSnapshot(): DiagnoseSnapshot {
  return JSON.parse(readFileSync(new URL('./fixtures/diagnose/udp-healthy.json', import.meta.url), 'utf8')) as DiagnoseSnapshot
}

const check = (s: DiagnoseSnapshot, id: string) => runChecks(s).checks.find((c) => c.id === id)!

test('diagnose udp, healthy: TUN, port 8285, flannel0 with its relay, the route, the overlay probe all pass', () => {
  const s = udpSnapshot()
  assert.deepEqual(runChecks(s).checks.filter((c) => c.status === 'fail' || c.status === 'skip').map((c) => c.id), [])
  assert.match(check(s, 'host.kernel-features').evidence.join('\n'), /^tun: /)
  assert.match(check(s, 'firewall.encap-port').evidence.join('\n'), /UDP 8285 \(udp relay\)/)
  assert.match(check(s, 'dataplane.device').evidence.join('\n'), /^flannel0: type tun, mtu 1472, up true, address 198\.18\.\d+\.0\/32, relay 203\.0\.113\.11:8285$/)
  const peers = check(s, 'dataplane.peers').evidence.join('\n')
  assert.match(peers, /1 entries in place/)
  assert.match(peers, /relay's peer table lives in the agent's memory/)
  assert.match(check(s, 'probes.overlay').evidence.join('\n'), /198\.18\.\d+\.0: ok/)
})

test('diagnose udp: flannel0 with the wrong MTU fails dataplane.device with the command that fixes it', () => {
  const s = udpSnapshot()
  assert.ok(s.dataplane?.ok && s.dataplane.value.device?.actual)
  s.dataplane.value.device.actual.mtu = 1400
  const c = check(s, 'dataplane.device')
  assert.equal(c.status, 'fail')
  assert.match(c.evidence[0]!, /^flannel0: mtu is 1400, should be 1472$/)
  assert.equal(c.fix, 'ip link set flannel0 mtu 1472')
})

test('diagnose udp: flannel0 missing, or its relay not listening, fails dataplane.device', () => {
  const missing = udpSnapshot()
  assert.ok(missing.dataplane?.ok && missing.dataplane.value.device)
  missing.dataplane.value.device.actual = undefined
  const gone = check(missing, 'dataplane.device')
  assert.equal(gone.status, 'fail')
  assert.deepEqual(gone.evidence, ['flannel0 does not exist'])

  const deaf = udpSnapshot()
  assert.ok(deaf.dataplane?.ok && deaf.dataplane.value.device?.actual)
  deaf.dataplane.value.device.actual.relay = 'not listening (nothing bound to udp 8285)'
  const c = check(deaf, 'dataplane.device')
  assert.equal(c.status, 'fail')
  assert.match(c.evidence[0]!, /relay is not listening \(nothing bound to udp 8285\), should be 203\.0\.113\.11:8285/)
  assert.match(c.fix ?? '', /restart flanctl up/)
})
