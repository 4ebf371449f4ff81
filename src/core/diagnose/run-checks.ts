// runChecks(snapshot): every check of the list, in its order, judged on the snapshot alone
// (pure: same snapshot, same report). A check whose needed check failed or was skipped is
// skipped too, naming the check that failed first.
import {CHECKS} from './check-list.js'
import {CHECK_STATUSES, type Check, type DiagnoseReport, type Summary, type Verdict} from './check-result.js'
import {JUDGES} from './judges.js'
import type {DiagnoseSnapshot} from './snapshot.js'

export function runChecks(snapshot: DiagnoseSnapshot): DiagnoseReport {
  const done = new Map<string, Check>()
  for (const spec of CHECKS) {
    const blocker = spec.needs.map((id) => done.get(id)).find((c) => c !== undefined && (c.status === 'fail' || c.status === 'skip'))
    let check: Check
    if (blocker !== undefined) {
      const root = blocker.blockedBy ?? blocker.id
      check = {id: spec.id, layer: spec.layer, status: 'skip', title: spec.title, evidence: [`blocked by ${root}`], blockedBy: root}
    } else {
      const judge = JUDGES[spec.id]
      const v: Verdict = judge === undefined ? {status: 'skip', evidence: ['not implemented']} : judge(snapshot)
      check = {id: spec.id, layer: spec.layer, status: v.status, title: v.title ?? spec.title, evidence: v.evidence}
      if (v.fix !== undefined) check.fix = v.fix
      if (v.autoFix !== undefined) check.autoFix = v.autoFix
    }
    done.set(spec.id, check)
  }
  const checks = [...done.values()]
  const summary = Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Summary
  for (const c of checks) summary[c.status]++
  return {checks, summary, incomplete: !snapshot.host.root}
}

/** diagnose's exit code: etcd unreachable 5 (as every etcd command), a failed check 1, incomplete (not root) 11, else 0. */
export function diagnoseExitCode(report: DiagnoseReport): number {
  const failed = report.checks.filter((c) => c.status === 'fail')
  if (failed.some((c) => c.id === 'etcd.reachable')) return 5
  if (failed.length > 0) return 1
  return report.incomplete ? 11 : 0
}
