// What a check says: its status, the evidence it saw, the command that fixes it, and (for the
// few fixes flanctl owns and may apply itself with --fix) which of them.
import type {Layer} from './check-list.js'

export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'skip', 'info'] as const
export type CheckStatus = (typeof CHECK_STATUSES)[number]

/** Fixes `diagnose --fix` may apply: only state flanctl owns or a sysctl flannel needs. */
export type AutoFix = 'ip-forward' | 'flannel-rules' | 'peer-entries'

export interface Verdict {
  status: CheckStatus
  evidence: string[]
  /** the exact command(s) or step that fixes it */
  fix?: string
  autoFix?: AutoFix
  /** replaces the list's title when the status says more (e.g. "2 of 3 peers answer") */
  title?: string
}

export interface Check {
  id: string
  layer: Layer
  status: CheckStatus
  title: string
  evidence: string[]
  fix?: string
  autoFix?: AutoFix
  /** the check that failed (or was skipped) first, making this one skip */
  blockedBy?: string
}

export type Summary = Record<CheckStatus, number>

export interface DiagnoseReport {
  checks: Check[]
  summary: Summary
  /** true when checks were skipped for lack of privileges: the verdict is not complete */
  incomplete: boolean
}

export const verdict = {
  pass: (evidence: string[] = [], title?: string): Verdict => ({status: 'pass', evidence, title}),
  info: (evidence: string[] = [], title?: string): Verdict => ({status: 'info', evidence, title}),
  skip: (reason: string): Verdict => ({status: 'skip', evidence: [reason]}),
  warn: (evidence: string[], fix?: string, title?: string): Verdict => ({status: 'warn', evidence, fix, title}),
  fail: (evidence: string[], fix?: string, title?: string, autoFix?: AutoFix): Verdict => ({status: 'fail', evidence, fix, title, autoFix}),
}
