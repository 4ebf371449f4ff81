// diagnose's human view: one section per layer in the list's order, one line per check,
// evidence indented, `fix:` with the command; passing (and info) checks only with -v; a closing
// line with the counts.
import {LAYERS} from '../core/diagnose/check-list.js'
import type {Check, CheckStatus} from '../core/diagnose/check-result.js'
import type {DiagnoseResult} from '../engine/diagnose/run-diagnose.js'
import type {Painter} from './painter.js'

const MARK: Record<CheckStatus, string> = {pass: 'ok  ', info: 'info', warn: 'WARN', fail: 'FAIL', skip: 'skip'}

function paintMark(status: CheckStatus, paint: Painter): string {
  const mark = MARK[status]
  if (status === 'fail') return paint.red(mark)
  if (status === 'warn') return paint.yellow(mark)
  if (status === 'pass') return paint.green(mark)
  return paint.dim(mark)
}

function renderCheck(c: Check, paint: Painter, verbose: boolean): string[] {
  if (c.blockedBy !== undefined) return [`  ${paintMark(c.status, paint)} ${c.id}: ${c.title} ${paint.dim(`(blocked by ${c.blockedBy})`)}`]
  const lines = [`  ${paintMark(c.status, paint)} ${c.id}: ${c.title}`]
  if (verbose || c.status === 'fail' || c.status === 'warn' || c.status === 'skip') for (const e of c.evidence) lines.push(`         ${e}`)
  if (c.fix !== undefined) {
    const [first, ...rest] = c.fix.split('\n')
    lines.push(`         ${paint.bold('fix:')} ${first}`, ...rest.map((l) => `              ${l}`))
  }
  return lines
}

export function renderDiagnose(result: DiagnoseResult, paint: Painter, verbose: boolean): string {
  const out: string[] = []
  for (const layer of LAYERS) {
    const checks = result.checks.filter((c) => c.layer === layer)
    const shown = checks.filter((c) => verbose || (c.status !== 'pass' && c.status !== 'info'))
    if (shown.length === 0) {
      out.push(`${paint.bold(layer)}: ${paint.green(`${checks.length} checks pass`)}`)
      continue
    }
    out.push(paint.bold(layer))
    // without -v, the checks one failure blocked are one line per blocker
    const blocked = new Map<string, string[]>()
    for (const c of shown) {
      if (!verbose && c.blockedBy !== undefined) blocked.set(c.blockedBy, [...(blocked.get(c.blockedBy) ?? []), c.id])
      else out.push(...renderCheck(c, paint, verbose))
    }
    for (const [by, ids] of blocked) out.push(`  ${paintMark('skip', paint)} ${ids.join(', ')} ${paint.dim(`(blocked by ${by})`)}`)
  }
  for (const f of result.fixes ?? []) {
    out.push('', `${f.applied ? 'applied' : f.error ? paint.red('failed') : 'would run'} for ${f.check}${f.error ? `: ${f.error}` : ''}:`)
    for (const cmd of f.commands) out.push(...cmd.split('\n').map((l) => `  ${l}`))
    if (f.commands.length === 0) out.push('  (nothing to run)')
  }
  const s = result.summary
  const counts = `${s.pass} passed, ${s.warn} warnings, ${s.fail} failed, ${s.skip} skipped${s.info ? `, ${s.info} info` : ''}`
  out.push('', s.fail > 0 ? paint.red(counts) : s.warn > 0 ? paint.yellow(counts) : paint.green(counts))
  if (result.incomplete) out.push(paint.yellow('incomplete: not root, the kernel checks were skipped (exit 11)'))
  return out.join('\n')
}
