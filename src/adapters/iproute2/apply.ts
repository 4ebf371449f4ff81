// Applying a pass's ops: one `ip -force -batch -` for routes and neighbours and one
// `bridge -force -batch -` for fdb entries, run side by side, never one process per entry.
//
// Idempotence: `replace` creates or overwrites. A delete of an absent entry is success: with
// -force, ip and bridge go on after a failed line and report it as "Command failed -:N" after its
// message, so a route/fdb delete that failed with "No such process" / "No such file or directory"
// is dropped from the failures. `ip neigh` is different: a failed neigh command ends the whole
// batch (iproute2 exits from it), -force or not; so a neighbour delete is written as
// `neigh replace` (the entry now surely exists) followed by `neigh del`, which cannot fail.
import {formatIp4, formatIp4Net} from '../../core/ip4.js'
import {FlanctlError} from '../../core/errors.js'
import type {Op} from '../../core/dataplane-state.js'
import {commandLine, runTool, type Iproute2Tool} from './run.js'

export interface ApplyOptions {
  netns?: string
}

interface BatchLine {
  text: string
  op: Op
}

/** The batch lines of one op, for `ip -batch` (routes, neighbours) or `bridge -batch` (fdb). */
export function batchLines(op: Op): string[] {
  const e = op.entry
  switch (e.kind) {
    case 'route': {
      const route = `${formatIp4Net(e.dst)} via ${formatIp4(e.via)} dev ${e.dev}`
      return op.verb === 'replace' ? [`route replace ${route}${e.onlink ? ' onlink' : ''}`] : [`route del ${route}`]
    }
    case 'neigh': {
      const replace = `neigh replace ${formatIp4(e.ip)} lladdr ${e.lladdr} dev ${e.dev} nud permanent`
      return op.verb === 'replace' ? [replace] : [replace, `neigh del ${formatIp4(e.ip)} dev ${e.dev}`]
    }
    case 'fdb':
      return op.verb === 'replace'
        ? [`fdb replace ${e.lladdr} dev ${e.dev} dst ${formatIp4(e.dst)} self permanent`]
        : [`fdb del ${e.lladdr} dev ${e.dev} dst ${formatIp4(e.dst)} self`]
  }
}

// What a delete of an entry that is already gone answers.
const ABSENT = /No such process|No such file or directory|Cannot find device/

interface Failure {
  op?: Op
  message: string
}

/** Pairs each "Command failed -:N" with the messages printed before it; messages left over mean the batch stopped early. */
export function batchFailures(stderr: string, lines: readonly BatchLine[], exitCode: number): Failure[] {
  const failures: Failure[] = []
  let pending: string[] = []
  for (const raw of stderr.split('\n')) {
    const text = raw.trim()
    if (text === '') continue
    const m = /^Command failed .*:(\d+)$/.exec(text)
    if (m === null) {
      pending.push(text)
      continue
    }
    const line = lines[Number(m[1]) - 1]
    const message = pending.join(' ') || 'failed'
    pending = []
    if (line !== undefined && line.op.verb === 'delete' && ABSENT.test(message)) continue
    failures.push({op: line?.op, message: line === undefined ? message : `${line.text}: ${message}`})
  }
  if (pending.length > 0 || (exitCode !== 0 && failures.length === 0 && stderr.trim() === '')) {
    failures.push({message: `stopped early: ${pending.join(' ') || `exit ${exitCode}`}`})
  }
  return failures
}

async function runBatch(tool: Iproute2Tool, lines: BatchLine[], options: ApplyOptions): Promise<Failure[]> {
  if (lines.length === 0) return []
  const input = `${lines.map((l) => l.text).join('\n')}\n`
  const result = await runTool(tool, ['-force', '-batch', '-'], {netns: options.netns, input})
  if (result.exitCode === 0) return []
  return batchFailures(result.stderr, lines, result.exitCode).map((f) => ({
    ...f,
    message: `${commandLine(tool, ['-batch', '-'], options.netns)}: ${f.message}`,
  }))
}

/**
 * Runs every op of a pass: one ip batch, one bridge batch, side by side. Resolves when all took
 * effect; rejects with E_SYSTEM naming the ops that failed (the pass stays dirty and is retried).
 */
export async function applyOps(ops: readonly Op[], options: ApplyOptions = {}): Promise<void> {
  const ipLines: BatchLine[] = []
  const bridgeLines: BatchLine[] = []
  for (const op of ops) {
    const target = op.entry.kind === 'fdb' ? bridgeLines : ipLines
    for (const text of batchLines(op)) target.push({text, op})
  }
  const failures = (await Promise.all([runBatch('ip', ipLines, options), runBatch('bridge', bridgeLines, options)])).flat()
  if (failures.length === 0) return
  const shown = failures.slice(0, 5).map((f) => f.message)
  const more = failures.length > shown.length ? `; and ${failures.length - shown.length} more` : ''
  throw new FlanctlError(
    'E_SYSTEM',
    `data-plane batch of ${ops.length} operations had ${failures.length} ${failures.length === 1 ? 'failure' : 'failures'}: ${shown.join('; ')}${more}`,
    {hint: 'the entries are retried at the next pass; check that the vxlan device and the external interface exist and are up'},
  )
}
