// The udp backend's throughput and round trip, container to container across two hosts: flanctl's
// relay (a worker thread, koffi, batched syscalls) against a relay of flannel's C design
// (bench/udp-relay-c/flannel-udp-relay.c, compiled here with cc) on the same topology: two labs
// alike, the second's agents stopped after they took their leases, subnet.env and rules, and the
// C relays run in their place (flannel0 made by the relay, given its address, MTU and route as
// flanneld does). iperf3 runs alternate between the two (ABBA), then pings alternate the same way.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {setTimeout as sleep} from 'node:timers/promises'
import {runCommand, runInNetns} from '../src/adapters/netns/run-command.js'
import {stopAgent} from '../src/lab/agents.js'
import {loadState, writeState} from '../src/lab/lab-state.js'
import {numberToIp4, parseCidr, type LabUpResult} from '../src/lab/index.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {median, round} from './lib/stats.js'
import {iperf, pairedThroughput, type PairedThroughput} from './throughput.js'

const C_SOURCE = fileURLToPath(new URL('./udp-relay-c/flannel-udp-relay.c', import.meta.url))
const PORT = 8285
const MTU = 1472

export interface UdpThroughputResult extends PairedThroughput {
  /** ping -c 50 -i 0.02 container to container: each round's median RTT */
  flanctlRttMs: number[]
  referenceRttMs: number[]
  flanctlMedianRttMs: number
  referenceMedianRttMs: number
}

function compileReference(dir: string): string {
  const binary = join(dir, 'flannel-udp-relay')
  const cc = spawnSync('cc', ['-O2', '-Wall', '-o', binary, C_SOURCE], {encoding: 'utf8'})
  if (cc.status !== 0) throw new Error(`cc ${C_SOURCE} failed (is gcc installed? scripts/bootstrap.sh lists it): ${cc.stderr || cc.error?.message}`)
  return binary
}

/** Stops the lab's agents (their flannel0 goes with them) and runs the C relay on each host instead. */
async function runReferenceRelays(lab: LabUpResult, binary: string): Promise<ChildProcess[]> {
  const state = loadState(lab.name)
  for (const host of state.hosts) await stopAgent(host, 'SIGTERM')
  writeState(state)
  const relays: ChildProcess[] = []
  for (const host of state.hosts) {
    const peers = state.hosts.filter((p) => p !== host).map((p) => `${p.subnet}=${p.publicIp}`)
    const relay = spawn('ip', ['netns', 'exec', host.netns, binary, host.publicIp, String(PORT), ...peers], {stdio: ['ignore', 'pipe', 'inherit']})
    relays.push(relay)
    await new Promise<void>((resolve, reject) => {
      relay.stdout!.once('data', () => resolve())
      relay.once('exit', (code) => reject(new Error(`the C relay on ${host.name} exited with ${code}`)))
    })
    const own = parseCidr(host.subnet!)!
    const ip = (...args: string[]) => runCommand('ip', ['-n', host.netns, ...args])
    await ip('addr', 'add', `${numberToIp4(own.ip)}/32`, 'dev', 'flannel0')
    await ip('link', 'set', 'flannel0', 'mtu', String(MTU), 'up')
    await ip('route', 'add', state.network, 'dev', 'flannel0')
  }
  return relays
}

async function stopRelays(relays: readonly ChildProcess[]): Promise<void> {
  for (const relay of relays) {
    if (relay.exitCode !== null) continue
    relay.kill('SIGTERM')
    await Promise.race([new Promise((resolve) => relay.once('exit', resolve)), sleep(3_000)])
    if (relay.exitCode === null) relay.kill('SIGKILL')
  }
}

/** The median round trip of 50 pings (the median: one late reply on a loaded machine is not the relay's). */
async function pingRtt(lab: LabUpResult): Promise<number> {
  const [from, to] = lab.hosts
  const run = await runInNetns(from!.container.netns, 'ping', ['-n', '-c', '50', '-i', '0.02', to!.container.ip!], {timeoutMs: 30_000})
  const times = [...run.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]))
  if (times.length < 40) throw new Error(`ping: ${times.length} of 50 replies: ${run.stdout.slice(-300)}`)
  return median(times)
}

export async function udpThroughputBench(options: {seconds?: number; rounds?: number} = {}): Promise<UdpThroughputResult> {
  const seconds = options.seconds ?? 5
  const rounds = options.rounds ?? 8
  const dir = mkdtempSync(join(tmpdir(), 'flanctl-bench-udp-'))
  const binary = compileReference(dir)
  try {
    return await withLab({name: benchLabName('uf'), hosts: 2, backend: 'udp', agent: 'flanctl'}, (flanctlLab) =>
      withLab({name: benchLabName('uc'), hosts: 2, backend: 'udp', agent: 'flanctl'}, async (referenceLab) => {
        const relays = await runReferenceRelays(referenceLab, binary)
        try {
          const alternate = async <T>(measure: (lab: LabUpResult) => Promise<T>): Promise<{flanctl: T[]; reference: T[]}> => {
            const flanctl: T[] = []
            const reference: T[] = []
            // ABBA order: a slow drift of the machine's load favours neither side
            for (let i = 0; i < rounds; i++) {
              if (i % 2 === 0) {
                reference.push(await measure(referenceLab))
                flanctl.push(await measure(flanctlLab))
              } else {
                flanctl.push(await measure(flanctlLab))
                reference.push(await measure(referenceLab))
              }
            }
            return {flanctl, reference}
          }
          await iperf(referenceLab, 1) // warm-up, not counted
          await iperf(flanctlLab, 1)
          const gbps = await alternate((lab) => iperf(lab, seconds))
          const rtt = await alternate(pingRtt)
          return {
            ...pairedThroughput(seconds, gbps.flanctl, gbps.reference),
            flanctlRttMs: rtt.flanctl.map((v) => round(v, 3)),
            referenceRttMs: rtt.reference.map((v) => round(v, 3)),
            flanctlMedianRttMs: round(median(rtt.flanctl), 3),
            referenceMedianRttMs: round(median(rtt.reference), 3),
          }
        } finally {
          await stopRelays(relays)
        }
      }),
    )
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
