// Layer 8 gathered: the `flanctl up` processes in this network namespace (found in /proc by
// command line and network namespace), and its health endpoints when --healthz-port is given.
import {readdir, readFile, readlink} from 'node:fs/promises'
import type {AgentPart} from '../../core/diagnose/snapshot.js'

/** argv of a flanctl agent: `... run.js up ...`, `flanctl up ...`. */
export function isAgentArgv(argv: readonly string[]): boolean {
  const i = argv.findIndex((a) => /(^|\/)(run\.js|flanctl|main\.js)$/.test(a))
  return i >= 0 && argv[i + 1] === 'up'
}

async function agentPids(): Promise<number[]> {
  const self = await readlink('/proc/self/ns/net').catch(() => undefined)
  const pids: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((t) => t.split('\0').filter((a) => a !== ''), () => [] as string[])
    if (!isAgentArgv(argv)) continue
    const ns = await readlink(`/proc/${entry}/ns/net`).catch(() => undefined)
    if (ns !== undefined && ns === self) pids.push(Number(entry))
  }
  return pids.sort((a, b) => a - b)
}

async function get(url: string, timeoutMs: number): Promise<{url: string; status?: number; body?: string; error?: string}> {
  try {
    const response = await fetch(url, {signal: AbortSignal.timeout(timeoutMs)})
    return {url, status: response.status, body: (await response.text()).slice(0, 2000)}
  } catch (error) {
    const cause = (error as {cause?: {code?: string}}).cause?.code
    return {url, error: cause ?? (error as Error).message}
  }
}

async function processStates(pids: readonly number[]): Promise<Record<string, string>> {
  const states: Record<string, string> = {}
  for (const pid of pids) {
    // "pid (comm) S ...": the state follows the last ')'
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (state !== '') states[String(pid)] = state
  }
  return states
}

export async function gatherAgent(options: {healthzIp: string; healthzPort: number; timeoutMs: number}): Promise<AgentPart> {
  const pids = await agentPids()
  const states = await processStates(pids)
  // a stopped agent (SIGSTOP) cannot answer: not worth a timeout per endpoint
  const stopped = pids.length > 0 && pids.every((pid) => ['T', 't'].includes(states[String(pid)] ?? ''))
  if (options.healthzPort <= 0 || stopped) return {pids, states}
  const host = options.healthzIp === '0.0.0.0' || options.healthzIp === '' ? '127.0.0.1' : options.healthzIp
  const base = `http://${host}:${options.healthzPort}`
  const [healthz, readyz, status] = await Promise.all([get(`${base}/healthz`, options.timeoutMs), get(`${base}/readyz`, options.timeoutMs), get(`${base}/status`, options.timeoutMs)])
  let parsed: Record<string, unknown> | undefined
  if (status.status === 200 && status.body !== undefined) {
    try {
      parsed = JSON.parse(status.body) as Record<string, unknown>
    } catch {
      parsed = undefined
    }
  }
  return {pids, states, healthz, readyz, status: parsed}
}
