// flanctl diagnose, start to end: gather, judge (core's runChecks), and with --fix apply the
// owned fixes, then gather and judge again so the report shows the host as it is now.
import {writeFile} from 'node:fs/promises'
import {diagnoseExitCode, runChecks} from '../../core/diagnose/run-checks.js'
import type {DiagnoseReport} from '../../core/diagnose/check-result.js'
import {applyFixes, type FixApplied} from './apply-fixes.js'
import type {DiagnoseInput} from './diagnose-input.js'
import {gatherSnapshot} from './gather-snapshot.js'

export interface DiagnoseResult extends DiagnoseReport {
  exitCode: number
  /** --fix: what was (or, with --dry-run, would be) run */
  fixes?: FixApplied[]
}

export async function runDiagnose(input: DiagnoseInput, options: {fix: boolean; dryRun: boolean; saveSnapshot?: string}): Promise<DiagnoseResult> {
  const first = await gatherSnapshot(input, Date.now)
  // what was gathered, replayable through runChecks (bug reports, core tests' fixtures)
  if (options.saveSnapshot !== undefined) await writeFile(options.saveSnapshot, `${JSON.stringify(first.snapshot, null, 2)}\n`)
  let report = runChecks(first.snapshot)
  let fixes: FixApplied[] | undefined
  if (options.fix) {
    fixes = await applyFixes(report.checks, input.agent, first.fix, options.dryRun)
    if (fixes.some((f) => f.applied)) report = runChecks((await gatherSnapshot(input, Date.now)).snapshot)
  }
  return {...report, exitCode: diagnoseExitCode(report), ...(fixes === undefined ? {} : {fixes})}
}
