// Layer 7: active probes, interpreted: underlay answers but the overlay does not means the
// encapsulated traffic is dropped between the hosts; small pings pass but DF pings at
// FLANNEL_MTU do not means the path's MTU is below the overlay's.
import {verdict} from './check-result.js'
import {gathered, type Judges} from './judge.js'
import {NOT_ROOT} from './judge-host.js'
import type {DiagnoseSnapshot, ProbePart, ProbeResult} from './snapshot.js'

function probes(s: DiagnoseSnapshot): {value: ProbePart} | {reason: string} {
  if (!s.options.probe) return {reason: 'probes off (--no-probe)'}
  if (!s.host.root) return {reason: NOT_ROOT}
  return gathered(s.probes, 'probes')
}

const line = (r: ProbeResult): string => `${r.subnet} ${r.target}: ${r.ok ? 'ok' : 'no answer'}${r.detail ? ` (${r.detail})` : ''}`

export const probeJudges: Judges = {
  'probes.underlay': (s) => {
    const p = probes(s)
    if ('reason' in p) return verdict.skip(p.reason)
    const results = p.value.underlay
    if (results.length === 0) return verdict.pass(['no peers'])
    const bad = results.filter((r) => !r.ok)
    if (bad.length === 0) return verdict.pass(results.map(line), `${results.length} peers answer on the underlay`)
    return verdict.fail(results.map(line), 'The hosts do not reach each other at all: check the underlay network (routes, cables, security groups allowing ICMP) and each peer\'s PublicIP.', `${bad.length} of ${results.length} peers do not answer on the underlay`)
  },
  'probes.overlay': (s) => {
    const p = probes(s)
    if ('reason' in p) return verdict.skip(p.reason)
    const results = p.value.overlay
    if (results.length === 0) return verdict.pass(['no peers'])
    const bad = results.filter((r) => !r.ok)
    if (bad.length === 0) return verdict.pass(results.map(line), `${results.length} peers answer through the overlay`)
    const underlayOk = new Set(p.value.underlay.filter((r) => r.ok).map((r) => r.subnet))
    const encap = s.dataplane?.ok ? s.dataplane.value.encapsulation : undefined
    const evidence = results.map(line)
    // a peer whose kernel entries are missing here is this host's fault (dataplane.peers), not the network's
    const incomplete = new Set((s.dataplane?.ok ? s.dataplane.value.peers : []).filter((p) => p.entries.some((e) => e.state !== 'ok')).map((p) => p.subnet))
    for (const r of bad.filter((r) => incomplete.has(r.subnet))) evidence.push(`${r.subnet}: this host lacks kernel entries for it (dataplane.peers)`)
    const dropped = bad.filter((r) => underlayOk.has(r.subnet) && !incomplete.has(r.subnet))
    let fix = incomplete.size > 0 ? 'Put the missing entries back (dataplane.peers\' fix, or flanctl diagnose --fix).' : 'Check this host\'s and the peer\'s flanctl diagnose: kernel entries, FORWARD and ip_forward on both sides.'
    if (dropped.length > 0) {
      const what = encap === undefined ? 'the forwarded overlay traffic' : `the encapsulated traffic (UDP ${encap.port}, ${encap.what})`
      evidence.push(`the underlay answers but the overlay does not for ${dropped.map((r) => r.subnet).join(', ')}: ${what} is dropped between the hosts or at the peer (firewall, security group, hypervisor)`)
      fix = `Allow ${encap === undefined ? 'forwarded overlay traffic' : `UDP ${encap.port}`} between the hosts (run flanctl diagnose on the peer too: firewall.encap-port, firewall.forward, host.ip-forward).`
    }
    return verdict.fail(evidence, fix, `${bad.length} of ${results.length} peers do not answer through the overlay`)
  },
  'probes.path-mtu': (s) => {
    const p = probes(s)
    if ('reason' in p) return verdict.skip(p.reason)
    const results = p.value.pathMtu
    if (results.length === 0) return verdict.pass(['no peers'])
    const overlayOk = new Set(p.value.overlay.filter((r) => r.ok).map((r) => r.subnet))
    const bad = results.filter((r) => !r.ok && overlayOk.has(r.subnet))
    if (bad.length === 0) return verdict.pass(results.map(line), `${p.value.size}-byte packets with DF cross the overlay`)
    return verdict.fail(
      [...results.map(line), `small packets cross, ${p.value.size}-byte ones with DF do not: the underlay path carries less than the overlay's MTU plus the encapsulation`],
      'Find the link with the lower MTU between the hosts and raise it, or set a lower underlay MTU for the overlay: "Backend": {"MTU": N} with flanctl config set (vxlan), then restart flanctl up and docker.',
      `full-size packets are lost to ${bad.length} of ${results.length} peers`,
    )
  },
}
