// Running iproute2's `ip` and `bridge`, optionally inside a named network namespace (`-n NS`:
// tests and the lab; the agent itself runs inside its namespace and passes none).
import {FlanctlError} from '../../core/errors.js'
import {runToCompletion} from '../process/run-program.js'

export type Iproute2Tool = 'ip' | 'bridge'

export interface RunOptions {
  netns?: string
  /** written to stdin (batches) */
  input?: string
}

export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** The command line as a person would type it, for messages. */
export function commandLine(tool: Iproute2Tool, args: readonly string[], netns?: string): string {
  return [tool, ...(netns === undefined ? [] : ['-n', netns]), ...args].join(' ')
}

/** Runs the tool; resolves with its exit code and output, rejects only when it cannot be started. */
export async function runTool(tool: Iproute2Tool, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const argv = [...(options.netns === undefined ? [] : ['-n', options.netns]), ...args]
  return runToCompletion(tool, argv, {
    input: options.input,
    shown: commandLine(tool, args, options.netns),
    hint: 'flanctl needs iproute2 (the ip and bridge commands) on PATH',
  })
}

/** Runs the tool and returns stdout; a non-zero exit is an E_SYSTEM error naming the command and its stderr. */
async function runChecked(tool: Iproute2Tool, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runTool(tool, args, options)
  if (result.exitCode !== 0) {
    throw new FlanctlError(
      'E_SYSTEM',
      `${commandLine(tool, args, options.netns)} failed (exit ${result.exitCode}): ${result.stderr.trim() || 'no message'}`,
    )
  }
  return result.stdout
}

/** `ip -j ...` output: a JSON array (empty output is an empty list). */
export async function runJson<T>(tool: Iproute2Tool, args: readonly string[], options: RunOptions = {}): Promise<T[]> {
  const stdout = await runChecked(tool, ['-j', ...args], options)
  const text = stdout.trim()
  if (text === '') return []
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) ? (parsed as T[]) : []
  } catch (error) {
    throw new FlanctlError('E_SYSTEM', `${commandLine(tool, ['-j', ...args], options.netns)} printed output that is not JSON: ${(error as Error).message}`)
  }
}
