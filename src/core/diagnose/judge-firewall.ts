// Layer 5: the firewall: what decides the overlay's forwarded packets and the encapsulation's
// incoming ones, and flannel's own rules (the agent's wantedRules, checked as the agent checks them).
import {verdict} from './check-result.js'
import {sampleAddress, walkChain, type Packet} from './iptables-walk.js'
import {gathered, ownLease, type Judges} from './judge.js'
import {NOT_ROOT} from './judge-host.js'
import type {DiagnoseSnapshot, FirewallPart, SavedRule} from './snapshot.js'

const FLANNEL_FIX = 'flanctl diagnose --fix (iptables-restore --noflush of flannel\'s own chains), or restart flanctl up'

function firewall(s: DiagnoseSnapshot): {value: FirewallPart} | {reason: string} {
  if (!s.host.root) return {reason: NOT_ROOT}
  return gathered(s.firewall, 'iptables rules')
}

function counted(rule: SavedRule): string {
  return `${rule.text}  [${rule.packets} packets, ${rule.bytes} bytes]`
}

/** `iptables -t T -D CHAIN spec`: removes exactly that rule. */
export function deleteCommand(rule: SavedRule): string {
  return `iptables -t ${rule.table} ${rule.text.replace(/^-A /, '-D ')}`
}

export const firewallJudges: Judges = {
  'firewall.forward': (s) => {
    const fw = firewall(s)
    if ('reason' in fw) return verdict.skip(fw.reason)
    const own = ownLease(s)
    const dp = s.dataplane?.ok ? s.dataplane.value : undefined
    const peers = dp?.peers ?? []
    const ownIp = own === undefined ? undefined : sampleAddress(own.subnet)
    if (ownIp === undefined) return verdict.skip('no own subnet')
    const inIface = dp?.device?.name ?? (s.host.external.ok ? s.host.external.value.name : undefined)
    const bridge = dp?.bridges[0]?.name
    const flows: Array<{what: string; packet: Packet}> = []
    for (const peer of peers.slice(0, 8)) {
      const peerIp = sampleAddress(peer.subnet)
      if (peerIp === undefined) continue
      flows.push({what: `${peer.subnet} -> ${own!.subnet}`, packet: {proto: 'icmp', src: peerIp, dst: ownIp, inIface, outIface: bridge}})
      flows.push({what: `${own!.subnet} -> ${peer.subnet}`, packet: {proto: 'icmp', src: ownIp, dst: peerIp, inIface: bridge, outIface: inIface}})
    }
    if (flows.length === 0) return verdict.pass(['no peers: nothing is forwarded'])
    const evidence: string[] = []
    let blocking: SavedRule | undefined
    let policy: string | undefined
    for (const flow of flows) {
      const r = walkChain(fw.value.rules, fw.value.policies, 'filter', 'FORWARD', flow.packet)
      if (r.verdict === 'ACCEPT') continue
      evidence.push(`${flow.what}: ${r.verdict} by ${r.rule === undefined ? r.by : counted(r.rule)}`)
      if (r.rule !== undefined) blocking ??= r.rule
      else policy ??= r.by
    }
    if (evidence.length === 0) return verdict.pass([`${flows.length / 2} peers' traffic accepted in FORWARD`])
    if (blocking !== undefined) evidence.push('a rule flanctl does not own, ahead of flannel\'s accept rules: remove it (the fix) or narrow it')
    const fix = blocking !== undefined ? deleteCommand(blocking) : `iptables -P FORWARD ACCEPT, or run flanctl up with --iptables-forward-rules (its FLANNEL-FWD chain accepts the overlay) (${policy})`
    return verdict.fail(evidence, fix, 'FORWARD drops the overlay\'s traffic')
  },
  'firewall.flannel-rules': (s) => {
    const fw = firewall(s)
    if ('reason' in fw) return verdict.skip(fw.reason)
    if (!s.options.forwardRules) return verdict.info(['--iptables-forward-rules=false: flanctl leaves FORWARD alone'])
    if (fw.value.forwardRuleProblems.length === 0) return verdict.pass(['FLANNEL-FWD accepts -s and -d the network, jumped to from FORWARD'])
    return verdict.fail(fw.value.forwardRuleProblems, FLANNEL_FIX, undefined, 'flannel-rules')
  },
  'firewall.masq': (s) => {
    if (!s.options.ipMasq) return verdict.info(['--ip-masq off: no masquerade rules wanted'])
    const fw = firewall(s)
    if ('reason' in fw) return verdict.skip(fw.reason)
    if (fw.value.masqRuleProblems.length === 0) return verdict.pass(['FLANNEL-POSTRTG in place, jumped to from POSTROUTING'])
    return verdict.fail(fw.value.masqRuleProblems, FLANNEL_FIX, undefined, 'flannel-rules')
  },
  'firewall.encap-port': (s) => {
    const dp = s.dataplane?.ok ? s.dataplane.value : undefined
    const encap = dp?.encapsulation
    if (dp !== undefined && encap === undefined) return verdict.pass([`${dp.backendType}: no encapsulation port`])
    const fw = firewall(s)
    if ('reason' in fw) return verdict.skip(fw.reason)
    if (encap === undefined || !s.host.external.ok) return verdict.skip('encapsulation not known')
    const local = sampleAddress(s.host.external.value.ifaceAddr)!
    const sources = (dp?.peers ?? []).map((p) => ({subnet: p.subnet, ip: sampleAddress(p.publicIp)})).filter((x) => x.ip !== undefined)
    if (sources.length === 0) return verdict.pass(['no peers send to us'])
    const evidence: string[] = []
    let blocking: SavedRule | undefined
    for (const src of sources.slice(0, 8)) {
      const r = walkChain(fw.value.rules, fw.value.policies, 'filter', 'INPUT', {proto: 'udp', src: src.ip!, dst: local, dport: encap.port, inIface: s.host.external.value.name})
      if (r.verdict === 'ACCEPT') continue
      evidence.push(`UDP ${encap.port} (${encap.what}) from ${src.subnet}'s host: ${r.verdict} by ${r.rule === undefined ? r.by : counted(r.rule)}`)
      blocking ??= r.rule
    }
    if (evidence.length === 0) return verdict.pass([`INPUT accepts UDP ${encap.port} (${encap.what}) from ${sources.length} peers`])
    const fix = blocking !== undefined ? deleteCommand(blocking) : `iptables -I INPUT -p udp --dport ${encap.port} -j ACCEPT`
    return verdict.fail(evidence, fix, `INPUT drops the encapsulation (UDP ${encap.port})`)
  },
  'firewall.icmp-frag': (s) => {
    const fw = firewall(s)
    if ('reason' in fw) return verdict.skip(fw.reason)
    if (!s.host.external.ok) return verdict.skip('no interface')
    const local = sampleAddress(s.host.external.value.ifaceAddr)!
    const peers = (s.dataplane?.ok ? s.dataplane.value.peers : []).map((p) => ({subnet: p.subnet, ip: sampleAddress(p.publicIp)})).filter((x) => x.ip !== undefined)
    if (peers.length === 0) return verdict.pass(['no peers'])
    const evidence: string[] = []
    let blocking: SavedRule | undefined
    for (const peer of peers.slice(0, 8)) {
      const r = walkChain(fw.value.rules, fw.value.policies, 'filter', 'INPUT', {proto: 'icmp', icmpType: 'fragmentation-needed', src: peer.ip!, dst: local, inIface: s.host.external.value.name})
      if (r.verdict === 'ACCEPT') continue
      evidence.push(`ICMP fragmentation-needed from ${peer.subnet}'s host: ${r.verdict} by ${r.rule === undefined ? r.by : counted(r.rule)}`)
      blocking ??= r.rule
    }
    if (evidence.length === 0) return verdict.pass([`INPUT accepts ICMP fragmentation-needed from ${peers.length} peers`])
    evidence.push('without it, path MTU discovery fails: large packets vanish instead of shrinking')
    return verdict.fail(evidence, blocking !== undefined ? deleteCommand(blocking) : 'iptables -I INPUT -p icmp --icmp-type fragmentation-needed -j ACCEPT')
  },
}
