// Layer 5 gathered: `iptables-save -c` of filter and nat, and the agent's own check of its
// wanted rules (wantedRules + ruleProblems, exactly as the rules' loop checks them).
import {runCommand} from '../../adapters/netns/run-command.js'
import {parseIptablesSave} from '../../core/diagnose/parse-iptables-save.js'
import type {FirewallPart, Gathered} from '../../core/diagnose/snapshot.js'
import {renderRule, ruleProblems, supportsRandomFully, wantedRules} from '../../core/masq-rules.js'
import type {Ip4Net} from '../../core/types.js'

export interface FirewallInput {
  network?: Ip4Net
  subnet?: Ip4Net
  iptablesVersion?: string
  timeoutMs: number
}

export async function gatherFirewall(input: FirewallInput): Promise<Gathered<FirewallPart>> {
  if (process.getuid?.() !== 0) return {ok: false, reason: 'needs root (iptables-save)'}
  const dumps = await Promise.all(['filter', 'nat'].map((t) => runCommand('iptables-save', ['-c', '-t', t], {reject: false, timeoutMs: input.timeoutMs})))
  const failed = dumps.find((d) => d.exitCode !== 0)
  if (failed !== undefined) return {ok: false, reason: `iptables-save failed: ${failed.stderr.trim()}`}
  const text = dumps.map((d) => d.stdout).join('\n')
  // the agent's check reads iptables-save without counters
  const plain = text.replace(/^\[\d+:\d+\] /gm, '')
  const {rules, policies} = parseIptablesSave(text)
  const part: FirewallPart = {rules, policies, forwardRuleProblems: [], masqRuleProblems: [], wanted: []}
  if (input.network !== undefined && input.subnet !== undefined) {
    const base = {network: input.network, subnet: input.subnet, randomFully: supportsRandomFully(input.iptablesVersion ?? '')}
    const forward = wantedRules({...base, ipMasq: false, forwardRules: true})
    const masq = wantedRules({...base, ipMasq: true, forwardRules: false})
    part.forwardRuleProblems = ruleProblems(forward, plain)
    part.masqRuleProblems = ruleProblems(masq, plain)
    part.wanted = [...masq, ...forward].map((r) => `${r.table}: ${renderRule(r)}`)
  }
  return {ok: true, value: part}
}
