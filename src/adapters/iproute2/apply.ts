// Running a pass's batch lines: one `ip -force -batch -` for routes and neighbours and one
// `bridge -force -batch -` for fdb entries, side by side, never one process per entry. The lines
// come from the backends' entry kinds (src/backends).
//
// Idempotence: a delete of an absent entry is success. With -force, ip and bridge go on after a
// failed line and report it as "Command failed -:N" after its message, so a delete that failed
// with "No such process" / "No such file or directory" is dropped from the failures.
import {FlanctlError} from '../../core/errors.js'
import {commandLine, runTool, type Iproute2Tool} from './run.js'

export interface ApplyOptions {
  netns?: string
}

export interface BatchLine {
  tool: Iproute2Tool
  text: string
  /** a line that deletes: failing because the entry is already gone is success */
  deleting: boolean
}

// What a delete of an entry that is already gone answers.
const ABSENT = /No such process|No such file or directory|Cannot find device/

interface Failure {
  message: string
}

/** Pairs each "Command failed -:N" with the messages printed before it; messages left over mean the batch stopped early. */
export function batchFailures(stderr: string, lines: readonly Pick<BatchLine, 'text' | 'deleting'>[], exitCode: number): Failure[] {
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
    if (line !== undefined && line.deleting && ABSENT.test(message)) continue
    failures.push({message: line === undefined ? message : `${line.text}: ${message}`})
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
 * Runs a pass's lines (ops.length ops): one ip batch, one bridge batch, side by side. Resolves
 * when all took effect; rejects with E_SYSTEM naming the lines that failed (the pass stays dirty
 * and is retried).
 */
export async function applyBatchLines(lines: readonly BatchLine[], opCount: number, options: ApplyOptions = {}): Promise<void> {
  const byTool = (tool: Iproute2Tool) => lines.filter((line) => line.tool === tool)
  const failures = (await Promise.all([runBatch('ip', byTool('ip'), options), runBatch('bridge', byTool('bridge'), options)])).flat()
  if (failures.length === 0) return
  const shown = failures.slice(0, 5).map((f) => f.message)
  const more = failures.length > shown.length ? `; and ${failures.length - shown.length} more` : ''
  throw new FlanctlError(
    'E_SYSTEM',
    `data-plane batch of ${opCount} operations had ${failures.length} ${failures.length === 1 ? 'failure' : 'failures'}: ${shown.join('; ')}${more}`,
    {hint: 'the entries are retried at the next pass; check that the vxlan device and the external interface exist and are up'},
  )
}
