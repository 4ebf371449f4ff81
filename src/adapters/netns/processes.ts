// Processes the lab starts and later stops: detached, logging to a file, identified by PID and
// checked against /proc/<pid>/cmdline before any signal (a PID can be reused; never by name).
import {spawn} from 'node:child_process'
import {closeSync, openSync, readFileSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'
import {FlanctlError} from '../../core/errors.js'

export interface DetachedSpec {
  argv: readonly string[]
  /** stdout and stderr are appended to this file */
  logFile: string
  env?: Record<string, string | undefined>
  /** start with exactly this environment instead of extending ours */
  replaceEnv?: boolean
}

export function spawnDetached(spec: DetachedSpec): number {
  const [command, ...args] = spec.argv
  if (command === undefined) throw new FlanctlError('E_INTERNAL', 'spawnDetached: empty argv')
  const fd = openSync(spec.logFile, 'a')
  try {
    const env = spec.replaceEnv ? spec.env : {...process.env, ...spec.env}
    const child = spawn(command, args, {detached: true, stdio: ['ignore', fd, fd], env: env as NodeJS.ProcessEnv})
    child.on('error', () => {}) // reported through the missing PID below
    child.unref()
    if (child.pid === undefined) throw new FlanctlError('E_SYSTEM', `could not start ${spec.argv.join(' ')} (see ${spec.logFile})`)
    return child.pid
  } finally {
    closeSync(fd)
  }
}

/**
 * The argv of a running process; undefined when it is gone or a zombie; [] while it exists but
 * its argv cannot be read (for a moment during execve, e.g. `ip netns exec` turning into etcd).
 */
export function processArgv(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (state === 'Z' || state === 'X') return undefined
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return raw === '' ? [] : raw.replace(/\0$/, '').split('\0')
  } catch {
    return undefined
  }
}

/** Alive and its command line contains `marker` (a path only the lab uses): safe to signal. */
export function isOurProcess(pid: number, marker: string): boolean {
  const argv = processArgv(pid)
  return argv !== undefined && argv.some((arg) => arg.includes(marker))
}

/** For liveness checks: ours, or alive with its argv unreadable right now (mid-exec). */
export function isRunning(pid: number, marker: string): boolean {
  const argv = processArgv(pid)
  return argv !== undefined && (argv.length === 0 || argv.some((arg) => arg.includes(marker)))
}

/** The argv once it is readable (an exec in progress hides it for a moment). */
async function settledArgv(pid: number): Promise<string[] | undefined> {
  for (let i = 0; i < 40; i++) {
    const argv = processArgv(pid)
    if (argv === undefined || argv.length > 0) return argv
    await sleep(25)
  }
  return processArgv(pid)
}

export type StopOutcome = 'stopped' | 'killed' | 'gone' | 'not-ours'

/** SIGTERM (or `signal`), wait up to graceMs, then SIGKILL; only when the cmdline carries `marker`. */
export async function stopProcess(pid: number, marker: string, options: {signal?: NodeJS.Signals; graceMs?: number} = {}): Promise<StopOutcome> {
  const argv = await settledArgv(pid)
  if (argv === undefined) return 'gone'
  if (!argv.some((arg) => arg.includes(marker))) return 'not-ours'
  try {
    process.kill(pid, options.signal ?? 'SIGTERM')
  } catch {
    return 'gone'
  }
  if (await waitForExit(pid, options.graceMs ?? 5_000)) return 'stopped'
  if (!isOurProcess(pid, marker)) return 'stopped'
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    return 'stopped'
  }
  await waitForExit(pid, 2_000)
  return 'killed'
}

/** true when the process is gone (or a zombie) within timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (processArgv(pid) === undefined) return true
    await sleep(25)
  }
  return processArgv(pid) === undefined
}

/** Resident set size in kB (VmRSS), undefined when the process is gone. */
export function processRssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}
