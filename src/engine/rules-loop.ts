// The masquerade and forward rules' loop: the rules wanted for this host (core's wantedRules),
// checked every --iptables-resync seconds and put back when anything differs.
import type {Logger} from '../adapters/log/logger.js'
import {wantedRules} from '../core/masq-rules.js'
import type {Ip4Net} from '../core/types.js'
import type {AgentDeps, AgentOptions} from './agent-deps.js'
import type {Clock} from './clock.js'
import {createReconcileLoop, type ReconcileLoop} from './reconcile-loop.js'

export interface RulesLoopInput {
  clock: Clock
  log: Logger
  network: Ip4Net
  subnet: Ip4Net
  options: Pick<AgentOptions, 'ipMasq' | 'iptablesForwardRules' | 'iptablesResyncSeconds'>
  deps: Pick<AgentDeps, 'ensureRules' | 'supportsRandomFully'>
}

/** undefined when neither --ip-masq nor --iptables-forward-rules asks for rules */
export function createRulesLoop(input: RulesLoopInput): ReconcileLoop | undefined {
  const {options, deps} = input
  if (!options.ipMasq && !options.iptablesForwardRules) return undefined
  // asked once; a failure means the plain MASQUERADE, which every iptables has
  const randomFully = options.ipMasq ? deps.supportsRandomFully().catch(() => false) : Promise.resolve(false)
  return createReconcileLoop({
    name: 'rules',
    clock: input.clock,
    log: input.log,
    resyncIntervalMs: options.iptablesResyncSeconds * 1000,
    reconcile: async () => {
      const rules = wantedRules({network: input.network, subnet: input.subnet, ipMasq: options.ipMasq, forwardRules: options.iptablesForwardRules, randomFully: await randomFully})
      const fixed = await deps.ensureRules(rules)
      return {changes: fixed.length, fields: fixed.length > 0 ? {fixed: fixed.join('; ')} : undefined}
    },
  })
}
