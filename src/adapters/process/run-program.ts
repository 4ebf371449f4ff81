// Runs a short-lived program (ip, bridge, iptables-save...) with node:child_process: input on
// stdin, stdout and stderr collected as text. The agent's start-up path uses this instead of
// execa, the project's usual runner, because loading execa (about 150 modules) takes longer than
// all the ip and iptables commands of a start together; nothing here needs more than spawn.
import {spawn} from 'node:child_process'
import {FlanctlError} from '../../core/errors.js'

export interface ProgramResult {
  /** undefined when the program was killed by a signal */
  exitCode: number | undefined
  signal: NodeJS.Signals | undefined
  stdout: string
  stderr: string
}

export interface ProgramOptions {
  /** written to stdin, which is then closed (default: nothing, stdin closed at once) */
  input?: string
}

/** Resolves when the program ends, whatever its exit code; rejects only when it cannot be started (e.g. ENOENT). */
export function runProgram(file: string, args: readonly string[], options: ProgramOptions = {}): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {stdio: ['pipe', 'pipe', 'pipe']})
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    // a program that exits without reading all its input: its exit code tells what went wrong
    child.stdin.on('error', () => {})
    child.once('error', reject)
    child.once('close', (code, signal) => {
      resolve({
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      })
    })
    child.stdin.end(options.input ?? '')
  })
}

export interface CompletedProgram {
  exitCode: number
  stdout: string
  stderr: string
}

/**
 * runProgram for callers that only deal in exit codes: a program that cannot be started, or is
 * killed by a signal, is an E_SYSTEM error "could not run <shown>: why" with the caller's hint.
 */
export async function runToCompletion(file: string, args: readonly string[], options: ProgramOptions & {shown: string; hint: string}): Promise<CompletedProgram> {
  const cannotRun = (why: string) => new FlanctlError('E_SYSTEM', `could not run ${options.shown}: ${why}`, {hint: options.hint})
  let result: ProgramResult
  try {
    result = await runProgram(file, args, {input: options.input})
  } catch (error) {
    throw cannotRun((error as Error).message)
  }
  if (result.exitCode === undefined) throw cannotRun(`killed by ${result.signal}`)
  return {exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr}
}
