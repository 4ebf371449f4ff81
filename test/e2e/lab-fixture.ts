// Shared by the e2e tier: a uniquely named lab per test file (removed in after() even on
// failure), polling with a deadline (a wait, not a timed assertion), and small readers.
import assert from 'node:assert/strict'
import {readFile, stat} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'
import {runInNetns} from '../../src/adapters/netns/run-command.js'
import {labDown, loadState, readLabLeases, type LabHost, type LabLease, type LabState} from '../../src/lab/index.js'

/** Lab names are [a-z][a-z0-9]{0,11}; the pid keeps parallel runs apart. */
export function e2eLabName(tag: string): string {
  return `${tag}${process.pid}`.slice(0, 12)
}

export function requireRoot(): void {
  assert.equal(process.getuid?.(), 0, 'the e2e tier creates network namespaces and must run as root')
}

/** lab down, reporting (not throwing) so the other after() hooks still run. */
export async function removeLab(name: string): Promise<void> {
  try {
    const result = await labDown({name})
    if (result.warnings.length > 0) console.error(`lab down ${name}: ${result.warnings.join('; ')}`)
  } catch (error) {
    console.error(`lab down ${name} failed: ${(error as Error).message}`)
  }
}

/** Polls `probe` until it returns something other than undefined/false; on timeout fails with `what` and the last value seen. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value
      last = value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`)
    await sleep(intervalMs)
  }
}

export function host(state: LabState, name: string): LabHost {
  const found = state.hosts.find((h) => h.name === name)
  assert.ok(found, `lab ${state.name} has host ${name}`)
  return found
}

export function state(name: string): LabState {
  return loadState(name)
}

export async function leaseOf(labState: LabState, hostName: string): Promise<LabLease> {
  const h = host(labState, hostName)
  const lease = (await readLabLeases(labState)).find((l) => l.publicIp === h.publicIp)
  assert.ok(lease, `a lease in etcd with PublicIP ${h.publicIp} (${hostName})`)
  return lease
}

/** ping -c count from a namespace; returns {transmitted, received}. */
export async function pingLoop(netns: string, ip: string, count: number, intervalS = 0.2): Promise<{transmitted: number; received: number; output: string}> {
  const result = await runInNetns(netns, 'ping', ['-n', '-q', '-i', String(intervalS), '-c', String(count), '-W', '1', ip], {reject: false, timeoutMs: (count * intervalS + 10) * 1000})
  const match = /(\d+) packets transmitted, (\d+) received/.exec(result.stdout)
  return {transmitted: Number(match?.[1] ?? 0), received: Number(match?.[2] ?? 0), output: result.stdout}
}

/** The file's identity: a rename-written file gets a new inode. */
export async function fileIdentity(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path)
    return `${s.ino}:${s.mtimeMs}`
  } catch {
    return undefined
  }
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8')
}

export async function agentLogTail(h: LabHost, lines = 20): Promise<string> {
  try {
    return (await readFile(h.logFile, 'utf8')).trim().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
