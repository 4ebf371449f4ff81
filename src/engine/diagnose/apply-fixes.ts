// --fix: only fixes of state flanctl owns or flannel needs, each by the agent's own code:
// ip_forward (the sysctl), flannel's own iptables chains (ensureRules of wantedRules, the rules
// loop's check and restore), the kernel entries the leases want (the backend dataplane's
// apply() of the replace ops plan() gave). Never a delete, never a rule or route of someone else.
// --dry-run prints the commands only.
import {writeFile} from 'node:fs/promises'
import type {AutoFix, Check} from '../../core/diagnose/check-result.js'
import {restorePayload, supportsRandomFully, wantedRules, rulesTables} from '../../core/masq-rules.js'
import type {AgentOptions} from '../agent-deps.js'
import type {FixContext} from './gather-snapshot.js'

export interface FixApplied {
  check: string
  fix: AutoFix
  commands: string[]
  applied: boolean
  error?: string
}

async function rulesFix(options: AgentOptions, fix: FixContext, dryRun: boolean): Promise<{commands: string[]; run?: () => Promise<void>}> {
  if (fix.network === undefined || fix.ownSubnet === undefined) return {commands: []}
  const iptables = await import('../../adapters/iptables/index.js')
  const randomFully = options.ipMasq ? await iptables.iptablesSupportsRandomFully().catch(() => false) : false
  const rules = wantedRules({network: fix.network, subnet: fix.ownSubnet, ipMasq: options.ipMasq, forwardRules: options.iptablesForwardRules, randomFully})
  const payload = restorePayload(rules, await iptables.saveTables(rulesTables(rules)))
  const commands = payload === '' ? [] : [`iptables-restore -w 5 --noflush <<'EOF'\n${payload}EOF`]
  return {commands, run: dryRun ? undefined : async () => void (await iptables.ensureRules(rules))}
}

export async function applyFixes(checks: readonly Check[], options: AgentOptions, fix: FixContext, dryRun: boolean): Promise<FixApplied[]> {
  const wanted = new Map<AutoFix, string>()
  for (const c of checks) if (c.status === 'fail' && c.autoFix !== undefined && !wanted.has(c.autoFix)) wanted.set(c.autoFix, c.id)
  const out: FixApplied[] = []
  for (const [kind, check] of wanted) {
    let commands: string[] = []
    let run: (() => Promise<void>) | undefined
    if (kind === 'ip-forward') {
      commands = ['sysctl -w net.ipv4.ip_forward=1']
      run = () => writeFile('/proc/sys/net/ipv4/ip_forward', '1\n')
    } else if (kind === 'flannel-rules') {
      ;({commands, run} = await rulesFix(options, fix, dryRun))
    } else if (kind === 'peer-entries' && fix.backend !== undefined) {
      const ops = fix.missing
      const dataplane = fix.backend.dataplane
      commands = ops.flatMap((op) => dataplane.commands?.(op) ?? [])
      run = ops.length === 0 ? undefined : () => dataplane.apply(ops)
    }
    const record: FixApplied = {check, fix: kind, commands, applied: false}
    if (!dryRun && run !== undefined) {
      try {
        await run()
        record.applied = true
      } catch (error) {
        record.error = (error as Error).message
      }
    }
    out.push(record)
  }
  return out
}
