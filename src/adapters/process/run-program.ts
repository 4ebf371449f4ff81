// The agent's one process runner: a short-lived program (ip, bridge, iptables-save,
// systemd-notify...) run with node:child_process, input on stdin, stdout and stderr collected as
// text, killed when it runs past its timeout (a hung tool must fail its pass, not hold it for
// ever). The agent's start-up path uses this instead of execa, the project's usual runner,
// because loading execa (about 150 modules) takes longer than all the ip and iptables commands
// of a start together; nothing here needs more than spawn.
import {spawn} from 'node:child_process'
import {FlanctlError} from '../../core/errors.js'

/** What a run may take unless the caller says otherwise: far more than any batch of 5,000 entries needs. */
export const DEFAULT_PROGRAM_TIMEOUT_MS = 30_000

export interface ProgramResult {
  /** undefined when the program was killed by a signal */
  exitCode: number | undefined
  signal: NodeJS.Signals | undefined
  /** true when it was killed for running past its timeout */
  timedOut: boolean
  stdout: string
  stderr: string
}

export interface ProgramOptions {
  /** written to stdin, which is then closed (default: nothing, stdin closed at once) */
  input?: string
  /** killed (SIGKILL) after this long; default DEFAULT_PROGRAM_TIMEOUT_MS */
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

/** Resolves when the program ends, whatever its exit code; rejects only when it cannot be started (e.g. ENOENT). */
export function runProgram(file: string, args: readonly string[], options: ProgramOptions = {}): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {stdio: ['pipe', 'pipe', 'pipe'], env: options.env})
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? DEFAULT_PROGRAM_TIMEOUT_MS)
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    // a program that exits without reading all its input: its exit code tells what went wrong
    child.stdin.on('error', () => {})
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        timedOut,
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
    result = await runProgram(file, args, {input: options.input, timeoutMs: options.timeoutMs, env: options.env})
  } catch (error) {
    throw cannotRun((error as Error).message)
  }
  if (result.timedOut) throw cannotRun(`no answer within ${(options.timeoutMs ?? DEFAULT_PROGRAM_TIMEOUT_MS) / 1000} s, killed`)
  if (result.exitCode === undefined) throw cannotRun(`killed by ${result.signal}`)
  return {exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr}
}
