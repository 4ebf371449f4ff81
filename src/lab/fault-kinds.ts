// The one list of faults `flanctl lab fault HOST KIND` injects into a lab host, each with what
// undoes it and the diagnose check that must find it. Everything changed is inside the lab's own
// namespaces, its etcd or its files; a fault's undo data goes into the lab's fault record.
import {readFile, writeFile} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'
import {FlanctlError} from '../core/errors.js'
import {isRunning} from '../adapters/netns/processes.js'
import {runCommand, runInNetns} from '../adapters/netns/run-command.js'
import {agentAlive, startAgent, stopAgent} from './agents.js'
import {etcdctl} from './lab-etcdctl.js'
import {readLabLeases} from './lab-leases.js'
import type {LabHost, LabState} from './lab-state.js'
import {randomVtepMac} from './flannel-by-hand.js'
import {formatCidr, numberToIp4, parseCidr} from './ip4-text.js'
import {switchNetns, switchPort} from './topology.js'

/** Marks the iptables rules a fault adds, so heal removes exactly those. */
const FAULT_COMMENT = 'flanctl lab fault'
const VXLAN_PORT = 8472
const LOWERED_MTU = 1400
const UNDERLAY_MTU = 1500

export interface FaultContext {
  state: LabState
  host: LabHost
}

/** What heal needs to undo one fault. */
export type FaultUndo = Record<string, string>

export interface FaultKind {
  kind: string
  summary: string
  /** the diagnose check (on the faulted host) that finds it */
  check: string
  backends?: readonly string[]
  inject(ctx: FaultContext): Promise<FaultUndo>
  heal(ctx: FaultContext, undo: FaultUndo): Promise<void>
}

const ipt = (ctx: FaultContext, args: string[], reject = true) => runInNetns(ctx.host.netns, 'iptables', ['-w', '5', ...args], {reject})

/** SIGSTOP/SIGCONT to the host's agent, by its recorded PID after checking it is that host's. */
function signalAgent(host: LabHost, signal: 'SIGSTOP' | 'SIGCONT'): boolean {
  if (host.pid === undefined || !isRunning(host.pid, host.subnetFile)) return false
  process.kill(host.pid, signal)
  return true
}

/** Polls until `probe` holds (the agent's next pass put an entry back); false after timeoutMs. */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe()) return true
    await sleep(100)
  }
  return false
}

/** The first other host with a subnet: the peer whose entry a fault removes. */
function peerOf(ctx: FaultContext): LabHost {
  const peer = ctx.state.hosts.find((h) => h !== ctx.host && h.subnet !== undefined)
  if (peer === undefined) throw new FlanctlError('E_USAGE', `lab ${ctx.state.name} has no other host with a subnet for ${ctx.host.name} to lose an entry of`)
  return peer
}

/** A subnet of the lab's network that no lease holds (from the top down). */
async function freeSubnet(state: LabState): Promise<string> {
  const taken = new Set((await readLabLeases(state)).map((l) => formatCidr(l.subnet)))
  const network = parseCidr(state.network)!
  const size = 2 ** (32 - state.subnetLen)
  for (let ip = network.ip + 2 ** (32 - network.prefixLen) - size; ip > network.ip; ip -= size) {
    const subnet = `${numberToIp4(ip)}/${state.subnetLen}`
    if (!taken.has(subnet)) return subnet
  }
  throw new FlanctlError('E_SUBNETS_EXHAUSTED', `lab ${state.name} has no free subnet left`)
}

export const FAULT_KINDS: readonly FaultKind[] = [
  {
    kind: 'forward-blocked',
    summary: 'a REJECT rule at the top of FORWARD, ahead of flannel\'s accept rules',
    check: 'firewall.forward',
    inject: async (ctx) => (await ipt(ctx, ['-I', 'FORWARD', '1', '-m', 'comment', '--comment', FAULT_COMMENT, '-j', 'REJECT']), {}),
    heal: async (ctx) => void (await ipt(ctx, ['-D', 'FORWARD', '-m', 'comment', '--comment', FAULT_COMMENT, '-j', 'REJECT'], false)),
  },
  {
    kind: 'ip-forward-off',
    summary: 'net.ipv4.ip_forward=0 in the host',
    check: 'host.ip-forward',
    inject: async (ctx) => (await runInNetns(ctx.host.netns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=0']), {}),
    heal: async (ctx) => void (await runInNetns(ctx.host.netns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1'])),
  },
  {
    kind: 'encap-port-dropped',
    summary: `INPUT drops UDP ${VXLAN_PORT} (vxlan) on the host`,
    check: 'firewall.encap-port',
    backends: ['vxlan'],
    inject: async (ctx) => (await ipt(ctx, ['-I', 'INPUT', '1', '-p', 'udp', '--dport', String(VXLAN_PORT), '-m', 'comment', '--comment', FAULT_COMMENT, '-j', 'DROP']), {}),
    heal: async (ctx) => void (await ipt(ctx, ['-D', 'INPUT', '-p', 'udp', '--dport', String(VXLAN_PORT), '-m', 'comment', '--comment', FAULT_COMMENT, '-j', 'DROP'], false)),
  },
  {
    kind: 'underlay-mtu',
    summary: `the switch port of the host carries ${LOWERED_MTU} bytes instead of ${UNDERLAY_MTU}: small packets pass, full-size ones are lost`,
    check: 'probes.path-mtu',
    inject: async (ctx) => (await runCommand('ip', ['-n', switchNetns(ctx.state.name), 'link', 'set', switchPort(ctx.host.index), 'mtu', String(LOWERED_MTU)]), {}),
    heal: async (ctx) => void (await runCommand('ip', ['-n', switchNetns(ctx.state.name), 'link', 'set', switchPort(ctx.host.index), 'mtu', String(UNDERLAY_MTU)])),
  },
  {
    kind: 'agent-stopped',
    summary: 'flanctl up on the host stopped (SIGTERM; its lease and kernel state stay)',
    check: 'agent.process',
    inject: async (ctx) => {
      if (ctx.host.agent !== 'flanctl') throw new FlanctlError('E_USAGE', `host ${ctx.host.name} is made by hand: it has no agent to stop`)
      await stopAgent(ctx.host)
      return {}
    },
    heal: async (ctx) => {
      if (agentAlive(ctx.host)) return
      // healed once the agent says ready again (its log's "ready" line), health port up
      const readyLines = async (): Promise<number> => ((await readFile(ctx.host.logFile, 'utf8').catch(() => '')).match(/ ready subnet=/g) ?? []).length
      const before = await readyLines()
      startAgent(ctx.host)
      await eventually(async () => (await readyLines()) > before, 45_000)
    },
  },
  {
    kind: 'route-removed',
    summary: 'the agent hangs (SIGSTOP) and the route to a peer\'s subnet is deleted',
    check: 'dataplane.peers',
    // udp has no route per peer (one <Network> dev flannel0)
    backends: ['vxlan', 'host-gw'],
    inject: async (ctx) => {
      const peer = peerOf(ctx)
      const stopped = signalAgent(ctx.host, 'SIGSTOP')
      await runCommand('ip', ['-n', ctx.host.netns, 'route', 'del', peer.subnet!])
      return {stopped: String(stopped), subnet: peer.subnet!}
    },
    heal: async (ctx, undo) => {
      if (undo.stopped !== 'true') return
      signalAgent(ctx.host, 'SIGCONT')
      // the agent's next pass (within its 5 s resync) puts the route back
      await eventually(async () => (await runCommand('ip', ['-n', ctx.host.netns, 'route', 'show', undo.subnet!])).stdout.trim() !== '')
    },
  },
  {
    kind: 'fdb-removed',
    summary: 'the agent hangs (SIGSTOP) and a peer\'s fdb entry on flannel.1 is deleted',
    check: 'dataplane.peers',
    backends: ['vxlan'],
    inject: async (ctx) => {
      const peer = peerOf(ctx)
      const lease = (await readLabLeases(ctx.state)).find((l) => l.publicIp === peer.publicIp)
      if (lease?.vtepMac === undefined) throw new FlanctlError('E_NOT_FOUND', `no vxlan lease of ${peer.name} in etcd`)
      const stopped = signalAgent(ctx.host, 'SIGSTOP')
      await runCommand('bridge', ['-n', ctx.host.netns, 'fdb', 'del', lease.vtepMac, 'dev', 'flannel.1', 'dst', peer.publicIp, 'self'])
      return {stopped: String(stopped), mac: lease.vtepMac}
    },
    heal: async (ctx, undo) => {
      if (undo.stopped !== 'true') return
      signalAgent(ctx.host, 'SIGCONT')
      await eventually(async () => (await runCommand('bridge', ['-n', ctx.host.netns, 'fdb', 'show', 'dev', 'flannel.1'])).stdout.includes(undo.mac!))
    },
  },
  {
    kind: 'duplicate-public-ip',
    summary: 'a second lease in etcd with the host\'s public IP (two hosts configured with one address)',
    check: 'lease.duplicates',
    inject: async (ctx) => {
      const subnet = await freeSubnet(ctx.state)
      const key = `${ctx.state.etcdPrefix}/subnets/${subnet.replace('/', '-')}`
      const value = ctx.state.backend === 'vxlan'
        ? {PublicIP: ctx.host.publicIp, PublicIPv6: null, BackendType: 'vxlan', BackendData: {VNI: 1, VtepMAC: randomVtepMac()}}
        : {PublicIP: ctx.host.publicIp, PublicIPv6: null, BackendType: ctx.state.backend}
      await etcdctl(ctx.state, ['put', key, JSON.stringify(value)])
      return {key}
    },
    heal: async (ctx, undo) => void (await etcdctl(ctx.state, ['del', undo.key!])),
  },
  {
    kind: 'stale-subnet-env',
    summary: 'subnet.env names another subnet than the host\'s lease (a file left from an earlier lease)',
    check: 'lease.subnet-env',
    inject: async (ctx) => {
      const text = await readFile(ctx.host.subnetFile, 'utf8')
      const other = await freeSubnet(ctx.state)
      const first = numberToIp4(parseCidr(other)!.ip + 1)
      await writeFile(ctx.host.subnetFile, text.replace(/^FLANNEL_SUBNET=.*$/m, `FLANNEL_SUBNET=${first}/${ctx.state.subnetLen}`))
      return {text}
    },
    heal: async (ctx, undo) => writeFile(ctx.host.subnetFile, undo.text!),
  },
]

export function findFaultKind(kind: string): FaultKind {
  const found = FAULT_KINDS.find((f) => f.kind === kind)
  if (found === undefined) throw new FlanctlError('E_USAGE', `unknown fault kind "${kind}"`, {hint: `Kinds: ${FAULT_KINDS.map((f) => f.kind).join(', ')}.`})
  return found
}
