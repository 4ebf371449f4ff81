// Layer 7 gathered: per peer, in parallel (a bounded number at once): a ping to its public IP
// (underlay), to its overlay address (through the encapsulation), and a don't-fragment ping
// whose IP packet is FLANNEL_MTU bytes (the path MTU the containers rely on).
import {runCommand} from '../../adapters/netns/run-command.js'
import type {PeerFact, ProbePart, ProbeResult} from '../../core/diagnose/snapshot.js'

/** IPv4 header 20 + ICMP header 8: ping -s payload = packet size - 28 */
const ICMP_OVERHEAD = 28
const CONCURRENCY = 8

async function ping(args: readonly string[], target: string, timeoutMs: number): Promise<{ok: boolean; detail: string}> {
  // two tries: the first packet to a peer may wait on ARP
  let last = ''
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await runCommand('ping', ['-n', '-q', '-c', '1', '-W', '1', ...args, target], {reject: false, timeoutMs})
    const rtt = /= [\d.]+\/([\d.]+)\//.exec(r.stdout)
    if (r.exitCode === 0) return {ok: true, detail: rtt ? `${rtt[1]} ms` : ''}
    last = /Frag needed|Message too long|mtu = \d+/i.exec(`${r.stdout}\n${r.stderr}`)?.[0] ?? ''
  }
  return {ok: false, detail: last}
}

async function bounded<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]!()
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, jobs.length)}, worker))
  return results
}

export async function gatherProbes(peers: readonly PeerFact[], mtu: number, timeoutMs: number): Promise<ProbePart> {
  const size = mtu
  type Job = {kind: 'underlay' | 'overlay' | 'pathMtu'; run: () => Promise<ProbeResult>}
  const jobs: Job[] = []
  for (const peer of peers) {
    const probe = (kind: Job['kind'], target: string, args: string[]): Job => ({kind, run: async () => ({subnet: peer.subnet, target, ...(await ping(args, target, timeoutMs))})})
    jobs.push(probe('underlay', peer.publicIp, []))
    if (peer.overlayIp !== undefined) {
      jobs.push(probe('overlay', peer.overlayIp, []))
      jobs.push(probe('pathMtu', peer.overlayIp, ['-M', 'do', '-s', String(size - ICMP_OVERHEAD)]))
    }
  }
  const results = await bounded(jobs.map((j) => j.run), CONCURRENCY)
  const of = (kind: Job['kind']): ProbeResult[] => results.filter((_, i) => jobs[i]!.kind === kind)
  return {underlay: of('underlay'), overlay: of('overlay'), pathMtu: of('pathMtu'), size}
}
