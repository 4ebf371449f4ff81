// `iptables-save -c` output as rules with their counters, in chain order, and the built-in
// chains' policies: what the firewall checks walk.
import {ruleWords} from '../masq-rules.js'
import type {SavedRule} from './snapshot.js'

export interface SavedTables {
  rules: SavedRule[]
  /** "filter FORWARD" -> "DROP" */
  policies: Record<string, string>
}

const COUNTER = /^\[(\d+):(\d+)\]\s+/

export function parseIptablesSave(text: string): SavedTables {
  const rules: SavedRule[] = []
  const policies: Record<string, string> = {}
  let table = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith('*')) table = line.slice(1)
    else if (line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(/\s+/)
      if (chain !== undefined && policy !== undefined && policy !== '-') policies[`${table} ${chain}`] = policy
    } else {
      const counter = COUNTER.exec(line)
      const ruleText = counter === null ? line : line.slice(counter[0].length)
      if (!ruleText.startsWith('-A ')) continue
      const [, chain, ...spec] = ruleWords(ruleText)
      if (chain === undefined) continue
      rules.push({table, chain, spec, text: ruleText, packets: Number(counter?.[1] ?? 0), bytes: Number(counter?.[2] ?? 0)})
    }
  }
  return {rules, policies}
}
