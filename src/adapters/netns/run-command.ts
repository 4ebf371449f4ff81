// Runs one external tool (ip, bridge, iptables, etcdctl, ping) and returns its output. A failure
// becomes E_SYSTEM naming the exact command line and what it printed, unless the caller asks
// for the exit code instead (reject: false).
import {execa} from 'execa'
import {FlanctlError} from '../../core/errors.js'

export interface CommandOutput {
  stdout: string
  stderr: string
  exitCode: number
}

export interface RunOptions {
  /** text written to the command's stdin (for `ip -batch -`, `iptables-restore`) */
  input?: string
  /** give up after this long (default 30 s): a hung tool must not hang the lab */
  timeoutMs?: number
  /** false: return a non-zero exit code instead of throwing */
  reject?: boolean
  env?: Record<string, string | undefined>
}

export async function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
  const result = await execa(command, args, {
    input: options.input,
    timeout: options.timeoutMs ?? 30_000,
    reject: false,
    stripFinalNewline: true,
    env: options.env,
    extendEnv: true,
  })
  const exitCode = result.exitCode ?? (result.timedOut ? 124 : 1)
  const output = {stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode}
  if (exitCode !== 0 && options.reject !== false) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs ?? 30_000} ms` : `exit ${exitCode}`
    const detail = (output.stderr || output.stdout || result.shortMessage || '').trim().split('\n').slice(-5).join(' | ')
    throw new FlanctlError('E_SYSTEM', `\`${[command, ...args].join(' ')}\` failed (${why}): ${detail}`)
  }
  return output
}

/** The argv that runs `command args` inside network namespace `netns` (ip netns exec execs in place: same PID). */
export function inNetns(netns: string, command: string, args: readonly string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', netns, command, ...args]]
}

export async function runInNetns(netns: string, command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
  const [cmd, argv] = inNetns(netns, command, args)
  return runCommand(cmd, argv, options)
}

/** Runs with the caller's stdin/stdout/stderr (interactive use); resolves to the exit code. */
export async function runAttached(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv
  if (command === undefined) return 127
  const result = await execa(command, args, {stdio: 'inherit', reject: false})
  return result.exitCode ?? (result.signal ? 128 : 1)
}
