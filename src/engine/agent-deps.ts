// What the agent is given: its options (from `flanctl up`'s flags) and every effect it uses, so
// the engine tests run the whole agent, with the real lease acquisition and backend
// construction, on a fake store, kernel and clock.
import type {Logger} from '../adapters/log/logger.js'
import type {BackendPlatform} from '../backends/platform.js'
import type {InterfaceInfo} from '../core/external-interface.js'
import type {IptablesRule} from '../core/masq-rules.js'
import type {LeaseStore} from '../core/ports.js'
import type {AgentStatus} from './agent-report.js'
import type {Clock} from './clock.js'
import type {DegradedReason} from './health-state.js'

export interface AgentOptions {
  subnetFile: string
  /** --iface, names or IPv4 addresses, in order */
  ifaces: string[]
  ifaceRegexes: string[]
  publicIp?: string
  ipMasq: boolean
  /** --subnet-lease-renew-margin, minutes, 1..1439 */
  renewMarginMinutes: number
  /** --iptables-resync, seconds */
  iptablesResyncSeconds: number
  iptablesForwardRules: boolean
  /** full reconcile pass (the kernel read) this often without events; default 30000 */
  resyncIntervalMs?: number
  /** light check (the device, the underlay) this often; default 5000 */
  checkIntervalMs?: number
  /** passes start at most this often; default 100 */
  minPassIntervalMs?: number
  /** how long another writer's value of our lease must stay unchanged before ours is put back; default 30 s */
  ownLeaseHoldOffMs?: number
}

export interface AgentDeps {
  clock: Clock
  log: Logger
  random: () => number
  /** aborts on SIGINT/SIGTERM */
  signal: AbortSignal
  store: LeaseStore
  /** the kernel as the backends see it */
  platform: BackendPlatform
  listInterfaces(): Promise<InterfaceInfo[]>
  defaultRouteInterface(): Promise<string | undefined>
  /** whether iptables has MASQUERADE --random-fully */
  supportsRandomFully(): Promise<boolean>
  /** puts the rules in place; resolves with what was wrong and got fixed (empty: all was in place) */
  ensureRules(rules: readonly IptablesRule[]): Promise<string[]>
  readFile(path: string): Promise<string | undefined>
  writeFileAtomic(path: string, text: string): Promise<void>
  /** READY=1 to systemd; 'no-socket' when not started by systemd */
  notifyReady(status: string): Promise<'sent' | 'no-socket'>
  setReady?(ready: boolean): void
  /** the degraded reasons now (empty: none); /readyz answers 503 while any is set */
  setDegraded?(reasons: readonly DegradedReason[]): void
  /** the agent's own report for GET /status (agent-report.ts) */
  setStatus?(status: () => AgentStatus): void
  /** called once, when the routes' first pass is done: the start is over (the agent's bundle keeps its code cache then) */
  onStarted?(): void
}

export interface AgentResult {
  reason: 'signal'
  subnet?: string
}
