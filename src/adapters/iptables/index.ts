// Keeping flannel's masquerade and forward rules in place: one `iptables-save` to check, and only when something is missing or out of order, one
// `iptables-restore -w 5 --noflush` with the payload core/masq-rules computes. Nothing else in the
// tables is touched. Optional netns (tests, lab) runs the tools through `ip netns exec`.
import {FlanctlError} from '../../core/errors.js'
import {restorePayload, ruleProblems, rulesTables, supportsRandomFully, type IptablesRule} from '../../core/masq-rules.js'
import {runToCompletion} from '../process/run-program.js'

export interface IptablesOptions {
  netns?: string
}

export interface EnsureRulesResult {
  /** true when iptables-restore ran */
  changed: boolean
  /** what was wrong before and is fixed now (empty when nothing was) */
  problems: string[]
}

async function run(command: string, args: readonly string[], options: IptablesOptions & {input?: string}): Promise<string> {
  const [file, argv] = options.netns === undefined ? [command, [...args]] : ['ip', ['netns', 'exec', options.netns, command, ...args]]
  const shown = [file, ...argv].join(' ')
  // node:child_process, not execa: this runs on the agent's start-up path (see run-program.ts)
  const result = await runToCompletion(file, argv, {
    input: options.input,
    shown,
    hint: 'flanctl needs iptables (iptables-save, iptables-restore) on PATH for --ip-masq and the forward rules',
  })
  if (result.exitCode !== 0) {
    throw new FlanctlError('E_SYSTEM', `${shown} failed (exit ${result.exitCode}): ${result.stderr.trim() || 'no message'}`)
  }
  return result.stdout.replace(/\r?\n$/, '') // without its final newline: callers split and compare lines
}

/** Whether this iptables has MASQUERADE --random-fully (1.6.2 and later), from `iptables --version`. */
export async function iptablesSupportsRandomFully(options: IptablesOptions = {}): Promise<boolean> {
  return supportsRandomFully(await run('iptables', ['--version'], options))
}

/**
 * The tables' rules as iptables-save prints them: `-t <table>` for one, every table in one run for
 * several (one process for the pass instead of one per table; the parser picks the tables out).
 */
export async function saveTables(tables: readonly string[], options: IptablesOptions = {}): Promise<string> {
  return run('iptables-save', tables.length === 1 ? ['-t', tables[0]!] : [], options)
}

/** How long iptables-restore waits for the xtables lock another program holds: a pass must end. */
const XTABLES_LOCK_WAIT_SECONDS = 5

/** Runs one iptables-restore --noflush with the payload (all of it or none: restore is atomic per table). */
async function applyRestorePayload(payload: string, options: IptablesOptions = {}): Promise<void> {
  if (payload === '') return
  await run('iptables-restore', ['-w', String(XTABLES_LOCK_WAIT_SECONDS), '--noflush'], {...options, input: payload})
}

/**
 * Checks the rules against the tables and restores them when anything differs. `saved`: the
 * tables as `saveTables([])` printed them shortly before (the caller keeps it fresh), checked
 * instead of saving again; when it failed, the tables are saved now.
 */
export async function ensureRules(rules: readonly IptablesRule[], options: IptablesOptions & {saved?: Promise<string>} = {}): Promise<EnsureRulesResult> {
  const saved = (await options.saved?.catch(() => undefined)) ?? (await saveTables(rulesTables(rules), options))
  const problems = ruleProblems(rules, saved)
  if (problems.length === 0) return {changed: false, problems}
  await applyRestorePayload(restorePayload(rules, saved), options)
  return {changed: true, problems}
}
