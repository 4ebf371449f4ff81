// flannel's masquerade and forward rules as data, the check of an iptables-save dump against
// them, and the one iptables-restore --noflush payload that puts them back.
//
// nat FLANNEL-POSTRTG (jumped to from POSTROUTING), every rule commented "flanneld masq":
//   RETURN for kube-proxy's mark; RETURN inside the overlay (both directions) and for traffic
//   from outside to our subnet; MASQUERADE overlay -> outside (not multicast) and host -> overlay.
// filter FLANNEL-FWD (jumped to from FORWARD), commented "flanneld forward": ACCEPT from and to
// the network.
// The chains are flanctl's: a repair declares the chain in the payload, which makes
// iptables-restore --noflush flush it, and appends every rule in order. The jumps from the
// built-in chains are added only when missing (and duplicates removed), so other rules there are
// never touched.
import {formatIp4Net} from './ip4.js'
import type {Ip4Net} from './types.js'

export type IptablesTable = 'nat' | 'filter'

/** `-A <chain> <spec...>` in <table>. */
export interface IptablesRule {
  table: IptablesTable
  chain: string
  spec: readonly string[]
}

const MASQ_CHAIN = 'FLANNEL-POSTRTG'
const FORWARD_CHAIN = 'FLANNEL-FWD'
const MASQ_COMMENT = 'flanneld masq'
const FORWARD_COMMENT = 'flanneld forward'
/** kube-proxy marks packets it will masquerade itself; flannel leaves them alone (double NAT bug). */
const KUBE_PROXY_MARK = '0x4000/0x4000'

const BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'])

export interface MasqRulesInput {
  network: Ip4Net
  /** our lease's subnet */
  subnet: Ip4Net
  /** iptables >= 1.6.2 understands MASQUERADE --random-fully */
  randomFully: boolean
}

/** flannel's masqRules, in its order (the jump from POSTROUTING first). */
export function masqRules(input: MasqRulesInput): IptablesRule[] {
  const network = formatIp4Net(input.network)
  const subnet = formatIp4Net(input.subnet)
  const comment = ['-m', 'comment', '--comment', MASQ_COMMENT]
  const masquerade = input.randomFully ? ['-j', 'MASQUERADE', '--random-fully'] : ['-j', 'MASQUERADE']
  const rule = (...spec: string[]): IptablesRule => ({table: 'nat', chain: MASQ_CHAIN, spec})
  return [
    {table: 'nat', chain: 'POSTROUTING', spec: [...comment, '-j', MASQ_CHAIN]},
    rule('-m', 'mark', '--mark', KUBE_PROXY_MARK, ...comment, '-j', 'RETURN'),
    rule('-s', subnet, '-d', network, ...comment, '-j', 'RETURN'),
    rule('-s', network, '-d', subnet, ...comment, '-j', 'RETURN'),
    rule('!', '-s', network, '-d', subnet, ...comment, '-j', 'RETURN'),
    rule('-s', network, '!', '-d', '224.0.0.0/4', ...comment, ...masquerade),
    rule('!', '-s', network, '-d', network, ...comment, ...masquerade),
  ]
}

/** flannel's forwardRules (the jump from FORWARD first). */
export function forwardRules(network: Ip4Net): IptablesRule[] {
  const net = formatIp4Net(network)
  const comment = ['-m', 'comment', '--comment', FORWARD_COMMENT]
  return [
    {table: 'filter', chain: 'FORWARD', spec: [...comment, '-j', FORWARD_CHAIN]},
    {table: 'filter', chain: FORWARD_CHAIN, spec: ['-s', net, ...comment, '-j', 'ACCEPT']},
    {table: 'filter', chain: FORWARD_CHAIN, spec: ['-d', net, ...comment, '-j', 'ACCEPT']},
  ]
}

export interface WantedRulesInput {
  network: Ip4Net
  /** this host's subnet */
  subnet: Ip4Net
  /** --ip-masq */
  ipMasq: boolean
  /** --iptables-forward-rules */
  forwardRules: boolean
  randomFully: boolean
}

/** The rules a host's agent keeps in place (and a diagnosis would expect): masquerade with --ip-masq, then forward. */
export function wantedRules(input: WantedRulesInput): IptablesRule[] {
  return [...(input.ipMasq ? masqRules(input) : []), ...(input.forwardRules ? forwardRules(input.network) : [])]
}

function quote(token: string): string {
  return /^[^\s"'\\]+$/.test(token) ? token : `"${token.replace(/(["\\])/g, '\\$1')}"`
}

/** The rule as iptables-save prints it: `-A FLANNEL-FWD -s 198.18.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT`. */
export function renderRule(rule: IptablesRule, action: '-A' | '-D' = '-A'): string {
  return [action, rule.chain, ...rule.spec].map(quote).join(' ')
}

/** Splits a rule line into words, honouring double quotes and backslash escapes (iptables-save's quoting). */
export function ruleWords(line: string): string[] {
  const out: string[] = []
  let current = ''
  let inWord = false
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === '\\' && i + 1 < line.length) {
      current += line[++i]
      inWord = true
    } else if (c === '"') {
      quoted = !quoted
      inWord = true
    } else if (!quoted && /\s/.test(c)) {
      if (inWord) out.push(current)
      current = ''
      inWord = false
    } else {
      current += c
      inWord = true
    }
  }
  if (inWord) out.push(current)
  return out
}

const ruleKey = (chain: string, spec: readonly string[]): string => [chain, ...spec].join('\u0000')

interface SavedTable {
  chains: Set<string>
  /** chain -> its rules' keys, in order */
  rules: Map<string, string[]>
}

/** Parses `iptables-save` output (one table or several) into chains and their rules. */
function parseSave(text: string): Map<string, SavedTable> {
  const tables = new Map<string, SavedTable>()
  let table: SavedTable | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith('*')) {
      table = {chains: new Set(), rules: new Map()}
      tables.set(line.slice(1), table)
    } else if (table === undefined) {
      continue
    } else if (line.startsWith(':')) {
      table.chains.add(line.slice(1).split(/\s+/)[0])
    } else if (line.startsWith('-A ')) {
      const [, chain, ...spec] = ruleWords(line)
      const list = table.rules.get(chain) ?? []
      list.push(ruleKey(chain, spec))
      table.rules.set(chain, list)
    }
  }
  return tables
}

function groupByTable(rules: readonly IptablesRule[]): Map<IptablesTable, IptablesRule[]> {
  const byTable = new Map<IptablesTable, IptablesRule[]>()
  for (const rule of rules) {
    const list = byTable.get(rule.table) ?? []
    list.push(rule)
    byTable.set(rule.table, list)
  }
  return byTable
}

/** The tables the rules live in ('nat', 'filter'): one iptables-save each. */
export function rulesTables(rules: readonly IptablesRule[]): IptablesTable[] {
  return [...groupByTable(rules).keys()]
}

/**
 * What is wrong in the dump, one phrase per problem; empty when every rule is in place: each
 * flanctl chain holds exactly its rules in order, each jump from a built-in chain appears once.
 */
export function ruleProblems(rules: readonly IptablesRule[], saveText: string): string[] {
  const saved = parseSave(saveText)
  const problems: string[] = []
  for (const [table, tableRules] of groupByTable(rules)) {
    const dump = saved.get(table)
    for (const rule of tableRules.filter((r) => BUILTIN_CHAINS.has(r.chain))) {
      const key = ruleKey(rule.chain, rule.spec)
      const count = (dump?.rules.get(rule.chain) ?? []).filter((k) => k === key).length
      if (count === 0) problems.push(`${table}: missing ${renderRule(rule)}`)
      else if (count > 1) problems.push(`${table}: ${count} copies of ${renderRule(rule)}`)
    }
    for (const chain of ownChains(tableRules)) {
      if (dump === undefined || !dump.chains.has(chain)) {
        problems.push(`${table}: chain ${chain} missing`)
        continue
      }
      const want = tableRules.filter((r) => r.chain === chain).map((r) => ruleKey(r.chain, r.spec))
      const have = dump.rules.get(chain) ?? []
      if (want.length !== have.length || want.some((k, i) => k !== have[i])) {
        const missing = want.filter((k) => !have.includes(k)).length
        const extra = have.filter((k) => !want.includes(k)).length
        problems.push(
          `${table}: chain ${chain} differs (${missing} missing, ${extra} unexpected${missing + extra === 0 ? ', out of order' : ''})`,
        )
      }
    }
  }
  return problems
}

function ownChains(rules: readonly IptablesRule[]): string[] {
  return [...new Set(rules.filter((r) => !BUILTIN_CHAINS.has(r.chain)).map((r) => r.chain))]
}

/**
 * The iptables-restore --noflush input that puts the rules in place, given the current dump:
 * only the tables that have a problem; each flanctl chain declared (so flushed) and refilled in
 * order; each missing jump appended, extra copies deleted. Empty string when nothing is to do.
 */
export function restorePayload(rules: readonly IptablesRule[], saveText: string): string {
  const saved = parseSave(saveText)
  let payload = ''
  for (const [table, tableRules] of groupByTable(rules)) {
    if (ruleProblems(tableRules, saveText).length === 0) continue
    const dump = saved.get(table)
    const lines = [`*${table}`, ...ownChains(tableRules).map((chain) => `:${chain} - [0:0]`)]
    for (const rule of tableRules) {
      if (!BUILTIN_CHAINS.has(rule.chain)) continue
      const key = ruleKey(rule.chain, rule.spec)
      const count = (dump?.rules.get(rule.chain) ?? []).filter((k) => k === key).length
      for (let i = 1; i < count; i++) lines.push(renderRule(rule, '-D'))
      if (count === 0) lines.push(renderRule(rule))
    }
    for (const rule of tableRules) if (!BUILTIN_CHAINS.has(rule.chain)) lines.push(renderRule(rule))
    lines.push('COMMIT')
    payload += `${lines.join('\n')}\n`
  }
  return payload
}

/** go-iptables' test: MASQUERADE --random-fully exists since iptables 1.6.2. */
export function supportsRandomFully(versionText: string): boolean {
  const m = /v(\d+)\.(\d+)\.(\d+)/.exec(versionText)
  if (m === null) return false
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return a > 1 || (a === 1 && (b > 6 || (b === 6 && c >= 2)))
}
