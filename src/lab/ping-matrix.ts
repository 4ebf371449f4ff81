// Every container pings every other (ping -c 1 -W 1), a bounded number at a time.
import {runInNetns} from '../adapters/netns/run-command.js'

export interface PingEndpoint {
  /** "h1": the host the container sits behind */
  host: string
  netns: string
  ip: string
}

interface PingResult {
  from: string
  to: string
  fromIp: string
  toIp: string
  ok: boolean
  /** round trip of the successful reply */
  rttMs?: number
  attempts: number
  /** with fullSize: whether a don't-fragment ping of that many bytes answered too */
  fullSize?: boolean
}

export interface PingMatrix {
  hosts: string[]
  pairs: PingResult[]
  okCount: number
  total: number
  /** the IP packet size of the full-size pings, when sent */
  fullSize?: number
}

/** ICMP echo: IPv4 20 + ICMP 8 bytes around the payload */
const ICMP_OVERHEAD = 28

async function pingOnce(netns: string, ip: string, size?: number): Promise<{ok: boolean; rttMs?: number}> {
  const big = size === undefined ? [] : ['-M', 'do', '-s', String(size - ICMP_OVERHEAD)]
  const result = await runInNetns(netns, 'ping', ['-n', '-c', '1', '-W', '1', ...big, ip], {reject: false, timeoutMs: 5_000})
  const rtt = /time=([\d.]+) ms/.exec(result.stdout)
  return {ok: result.exitCode === 0, rttMs: rtt?.[1] === undefined ? undefined : Number(rtt[1])}
}

/**
 * At most `concurrency` pings at once; a failed pair is tried once more (the first packet may
 * wait on ARP). `fullSize`: a pair that answers is also pinged with DF at that packet size (an
 * MTU break lets small pings through and loses full-size packets).
 */
export async function pingMatrix(endpoints: readonly PingEndpoint[], options: {concurrency?: number; attempts?: number; fullSize?: number} = {}): Promise<PingMatrix> {
  const jobs: Array<[PingEndpoint, PingEndpoint]> = []
  for (const from of endpoints) for (const to of endpoints) if (from !== to) jobs.push([from, to])
  const results: PingResult[] = new Array(jobs.length)
  const maxAttempts = options.attempts ?? 2
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++
      const [from, to] = jobs[index]!
      let attempts = 0
      let outcome: {ok: boolean; rttMs?: number} = {ok: false}
      while (attempts < maxAttempts && !outcome.ok) {
        attempts++
        outcome = await pingOnce(from.netns, to.ip)
      }
      const fullSize = options.fullSize !== undefined && outcome.ok ? (await pingOnce(from.netns, to.ip, options.fullSize)).ok : undefined
      results[index] = {from: from.host, to: to.host, fromIp: from.ip, toIp: to.ip, ok: outcome.ok, rttMs: outcome.rttMs, attempts, fullSize}
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(options.concurrency ?? 6, jobs.length))}, worker))
  return {hosts: endpoints.map((e) => e.host), pairs: results, okCount: results.filter((r) => r.ok).length, total: results.length, fullSize: options.fullSize}
}
