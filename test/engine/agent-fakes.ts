// An in-memory etcd (LeaseStore), kernel (Dataplane) and host for running the whole agent in
// engine tests, each recording what was done to it. The lease acquisition and the backend's
// construction are the real ones: only the store, the kernel and the clock are fakes.
import type {VxlanDeviceState} from '../../src/backends/vxlan/device.js'
import {entryId as idIn, type Dataplane, type DataplaneState, type KernelEntry, type Op} from '../../src/core/dataplane-state.js'
import {FlanctlError} from '../../src/core/errors.js'
import type {InterfaceInfo} from '../../src/core/external-interface.js'
import {formatIp4, formatIp4Net} from '../../src/core/ip4.js'
import type {IptablesRule} from '../../src/core/masq-rules.js'
import type {LeaseList, LeaseStore, LeaseWatch, LeaseWatchSink} from '../../src/core/ports.js'
import {leaseKey} from '../../src/core/subnet-key.js'
import type {Ip4Net, Lease, LeaseAttrs} from '../../src/core/types.js'
import type {AgentDeps, AgentOptions} from '../../src/engine/agent.js'
import {ROUTING_KINDS, type RoutingEntry} from '../helpers/entries.js'
import {fakePlatform} from '../helpers/fake-platform.js'
import {FakeClock, PREFIX, RecordingLogger} from './fakes.js'

const entryId = (entry: KernelEntry): string => idIn(ROUTING_KINDS, entry)

export const ENDPOINTS = 'http://127.0.0.1:2379'
export const CONFIG = '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'

export class FakeStore implements LeaseStore {
  readonly description = `etcd ${ENDPOINTS} prefix ${PREFIX}`
  readonly prefix = PREFIX
  config: string | undefined = CONFIG
  readonly leases = new Map<string, Lease>()
  unreachable = false
  revision = 1
  readonly sinks: LeaseWatchSink[] = []
  readonly watchedFrom: string[] = []
  readonly renewals: Array<{key: string; ttl: number}> = []
  closed = false
  /** called with each lease this store creates or renews for the agent */
  onLeaseWritten?: (lease: Lease) => void

  private check(): void {
    if (this.unreachable) throw new FlanctlError('E_ETCD_UNREACHABLE', `etcd ${ENDPOINTS} unreachable: connect ECONNREFUSED 127.0.0.1:2379`)
  }
  async getConfig(): Promise<string | undefined> {
    this.check()
    return this.config
  }
  async putConfig(text: string): Promise<void> {
    this.config = text
  }
  lists = 0
  /** the TTLs prepareLeaseGrant was asked for */
  preparedGrants: number[] = []
  prepareLeaseGrant(ttlSeconds: number): void {
    this.preparedGrants.push(ttlSeconds)
  }
  async listLeases(): Promise<LeaseList> {
    this.lists++
    this.check()
    return {leases: [...this.leases.values()], warnings: [], revision: String(this.revision)}
  }
  async createLease(subnet: Ip4Net, attrs: LeaseAttrs, ttlSeconds: number): Promise<{created: true; lease: Lease} | {created: false}> {
    this.check()
    const key = leaseKey(PREFIX, subnet)
    if (this.leases.has(key)) return {created: false}
    const lease: Lease = {key, subnet, attrs, etcdLeaseId: '1', ttlSeconds, reservation: false}
    this.leases.set(key, lease)
    this.revision++
    this.onLeaseWritten?.(lease)
    return {created: true, lease}
  }
  async renewLease(lease: Lease, attrs: LeaseAttrs, ttlSeconds: number): Promise<Lease> {
    this.check()
    this.renewals.push({key: lease.key, ttl: ttlSeconds})
    const renewed = {...lease, attrs, etcdLeaseId: String(Number(lease.etcdLeaseId ?? 0) + 1), ttlSeconds}
    this.leases.set(lease.key, renewed)
    this.revision++
    this.onLeaseWritten?.(renewed)
    // as etcd's watch does: our own write comes back through it
    for (const sink of [...this.sinks]) sink.onPut(renewed)
    return renewed
  }
  async putReservation(subnet: Ip4Net, attrs: LeaseAttrs): Promise<Lease> {
    const lease: Lease = {key: leaseKey(PREFIX, subnet), subnet, attrs, reservation: true}
    this.leases.set(lease.key, lease)
    return lease
  }
  async deleteLease(key: string): Promise<void> {
    this.leases.delete(key)
  }
  watchLeases(fromRevision: string, sink: LeaseWatchSink): LeaseWatch {
    this.watchedFrom.push(fromRevision)
    this.sinks.push(sink)
    return {close: async () => void this.sinks.splice(this.sinks.indexOf(sink), 1)}
  }
  async findConfigKeys(): Promise<string[]> {
    return ['/atomic.io/network/config']
  }
  async close(): Promise<void> {
    this.closed = true
  }

  /** as if another host wrote a lease: stored and sent to the watch */
  put(lease: Lease): void {
    this.leases.set(lease.key, lease)
    this.revision++
    for (const sink of [...this.sinks]) sink.onPut(lease)
  }
  delete(key: string): void {
    this.leases.delete(key)
    this.revision++
    for (const sink of [...this.sinks]) sink.onDelete(key)
  }
}

/** The kernel: entries by identity; apply records each batch and can be made to fail. */
export class FakeDataplane implements Dataplane {
  readonly kinds = ROUTING_KINDS
  readonly entries = new Map<string, RoutingEntry>()
  readonly batches: Array<{at: number; ops: Op[]}> = []
  failApplies = 0
  constructor(private readonly clock: FakeClock) {}

  observations = 0
  async observe(): Promise<DataplaneState> {
    this.observations++
    return [...this.entries.values()] as DataplaneState
  }
  async apply(ops: readonly Op[]): Promise<void> {
    this.batches.push({at: this.clock.now(), ops: [...ops]})
    if (this.failApplies > 0) {
      this.failApplies--
      throw new FlanctlError('E_SYSTEM', 'data-plane batch of 3 operations had 1 failure: RTNETLINK answers: Network is unreachable')
    }
    for (const op of ops) {
      if (op.verb === 'replace') this.entries.set(entryId(op.entry), op.entry as RoutingEntry)
      else this.entries.delete(entryId(op.entry))
    }
  }
  /** what is programmed, as "route 198.18.2.0/24", "neigh flannel.1 198.18.2.0", "fdb flannel.1 0a:..." */
  ids(): string[] {
    return [...this.entries.values()].map(describe).sort()
  }
  /** "deletes by hand" the entry described as ids() shows it */
  remove(description: string): void {
    for (const [id, entry] of this.entries) if (describe(entry) === description) this.entries.delete(id)
  }
  routes(): string[] {
    return [...this.entries.values()].filter((e) => e.kind === 'route').map((e) => formatIp4Net((e as {dst: Ip4Net}).dst)).sort()
  }
}

function describe(e: RoutingEntry): string {
  if (e.kind === 'route') return `route ${formatIp4Net(e.dst)}`
  if (e.kind === 'neigh') return `neigh ${e.dev} ${formatIp4(e.ip)}`
  return `fdb ${e.dev} ${e.lladdr}`
}

export const ETH0: InterfaceInfo = {
  name: 'eth0',
  index: 2,
  mtu: 1500,
  up: true,
  addresses: [{ip: 0xc000020b, prefixLen: 24, scope: 'global', secondary: false, deprecated: false}], // 192.0.2.11/24
}

export const VTEP_MAC = '0a:58:c0:00:02:0b'

/** flannel.1 as the last run left it: compatible, so the agent keeps its MAC (VTEP_MAC) */
export const EXISTING_DEVICE: VxlanDeviceState = {
  name: 'flannel.1', index: 9, kind: 'vxlan', mac: VTEP_MAC, mtu: 1450, up: true, vni: 1, port: 8472,
  localIp: 0xc000020b, externalInterface: 'eth0', learning: false, addresses: [],
}

export interface Harness {
  clock: FakeClock
  log: RecordingLogger
  store: FakeStore
  kernel: FakeDataplane
  files: Map<string, string>
  writes: Array<{at: number; path: string; text: string}>
  notified: string[]
  ready: boolean[]
  /** the degraded reasons' names after each change */
  degraded: string[][]
  rules: Array<{at: number; rules: readonly IptablesRule[]}>
  rulesFailures: number
  events: string[]
  controller: AbortController
  deps: AgentDeps
  options: AgentOptions
}

export function harness(overrides: Partial<AgentOptions> = {}): Harness {
  const clock = new FakeClock()
  const log = new RecordingLogger()
  const store = new FakeStore()
  const kernel = new FakeDataplane(clock)
  const controller = new AbortController()
  const h: Harness = {
    clock,
    log,
    store,
    kernel,
    files: new Map(),
    writes: [],
    notified: [],
    ready: [],
    degraded: [],
    rules: [],
    rulesFailures: 0,
    events: [],
    controller,
    options: {
      subnetFile: '/run/flannel/subnet.env',
      ifaces: [],
      ifaceRegexes: [],
      ipMasq: true,
      renewMarginMinutes: 60,
      iptablesResyncSeconds: 5,
      iptablesForwardRules: true,
      ...overrides,
    },
    deps: undefined as unknown as AgentDeps,
  }
  store.onLeaseWritten = (written) => h.events.push(`lease ${formatIp4Net(written.subnet)}`)
  const {platform} = fakePlatform({
    existing: EXISTING_DEVICE,
    dataplane: kernel,
    onEnsure: (spec) => void h.events.push(`activate ${formatIp4Net({ip: spec.address.ip, prefixLen: 24})}`),
  })
  h.deps = {
    clock,
    log,
    random: () => 0,
    signal: controller.signal,
    store,
    platform,
    listInterfaces: async () => [ETH0],
    defaultRouteInterface: async () => 'eth0',
    supportsRandomFully: async () => false,
    ensureRules: async (rules) => {
      h.rules.push({at: clock.now(), rules})
      h.events.push('rules')
      if (h.rulesFailures > 0) {
        h.rulesFailures--
        throw new FlanctlError('E_SYSTEM', 'iptables-restore: Another app is currently holding the xtables lock')
      }
      return h.rules.length === 1 ? ['nat: chain FLANNEL-POSTRTG missing', 'filter: chain FLANNEL-FWD missing'] : []
    },
    readFile: async (path) => h.files.get(path),
    writeFileAtomic: async (path, text) => {
      h.files.set(path, text)
      h.writes.push({at: clock.now(), path, text})
      h.events.push('write subnet.env')
    },
    notifyReady: async (status) => {
      h.notified.push(status)
      h.events.push('notify')
      return 'sent'
    },
    setReady: (ready) => {
      h.ready.push(ready)
    },
    setDegraded: (reasons) => {
      h.degraded.push(reasons.map((r) => r.name))
    },
  }
  return h
}
