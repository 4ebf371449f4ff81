// What a backend is to flanctl, as flannel's backend.Register has it: one module per type, listed
// once in registry.ts: its config, lease data and MTU, and `start`, which gives the agent what it
// runs. Starting touches the kernel only through the BackendPlatform it is given, so loading a
// module runs nothing.
import type {Fields} from '../core/go-json.js'
import type {Dataplane, DesiredState} from '../core/dataplane-state.js'
import type {ExternalInterface} from '../core/external-interface.js'
import type {BackendConfig, Lease, LeaseAttrs, NetworkConfig} from '../core/types.js'
import type {LogFields, Logger} from '../adapters/log/logger.js'
import type {BackendPlatform} from './platform.js'
import type {BackendDiagnosis} from './backend-diagnosis.js'

/** The options of the config's Backend object a module decodes (defaults filled in). */
export type BackendOptions = Pick<BackendConfig, 'vni' | 'port' | 'directRouting' | 'mtu'>

export interface BackendModule {
  readonly type: string
  /** bytes of encapsulation per packet: FLANNEL_MTU is the underlay MTU minus this */
  readonly overhead: number
  /** the Backend keys it reads, in flannel's spelling (the rest stay in `raw`) */
  readonly optionKeys: readonly string[]
  /** the Backend options; throws FieldError (go-json.ts) for one that does not decode */
  decodeOptions(fields: Fields): BackendOptions
  /** the known options with flannel's names, for canonical JSON (Type and raw are added around them) */
  encodeOptions(backend: BackendConfig): Record<string, unknown>
  /** things flannel accepts that will not work as the user probably expects */
  configWarnings(backend: BackendConfig): string[]
  /** the lease value this backend publishes; vtepMac only matters to vxlan */
  leaseAttrs(publicIp: string, backend: BackendConfig, vtepMac: string): LeaseAttrs
  /** what the agent runs; absent while `flanctl up` cannot run this backend */
  readonly start?: (input: BackendStartInput) => Promise<AgentBackend>
  /** what `flanctl diagnose` checks for this backend beyond its routes (device, port, kernel feature) */
  readonly diagnosis?: BackendDiagnosis
}

export interface BackendStartInput {
  config: NetworkConfig
  external: ExternalInterface
  random: () => number
  platform: BackendPlatform
}

/** The backend in use, once started: what goes into the lease and what it wants programmed. */
export interface AgentBackend {
  readonly type: string
  /** FLANNEL_MTU */
  readonly mtu: number
  /** the lease value we publish */
  readonly leaseAttrs: LeaseAttrs
  /** for the "backend ready" log line */
  readonly details: LogFields
  /** after the lease: e.g. the vxlan device's <subnet>.0/32 address; idempotent */
  activate(ownLease: Lease): Promise<void>
  /**
   * The device is desired state too: made again when deleted, set up when down, its MTU and
   * address fixed. Run by the reconcile pass before it observes (not on event-only passes);
   * resolves with what it fixed (empty: all was in place).
   */
  repair?(ownLease: Lease): Promise<string[]>
  /** what the peers' leases want in the kernel; pure */
  desired(ownLease: Lease, peers: readonly Lease[]): DesiredState
  /** reads and changes only the entries flanctl owns */
  readonly dataplane: Dataplane
  /** a part that runs for the agent's life (udp's relay); resolves when the signal aborts */
  run?(context: BackendRunContext): Promise<void>
  /** ends what start or activate started (the relay), when the agent stops; idempotent */
  close?(): Promise<void>
}

/** What a backend's long-running part may do to the agent around it. */
export interface BackendRunContext {
  signal: AbortSignal
  log: Logger
  /** waits on the agent's clock; resolves early when the signal aborts */
  sleep(ms: number): Promise<void>
  /** /readyz: down while the part is broken, up again once it is back */
  setReady(ready: boolean): void
  /** the backend's kernel state needs a pass (e.g. a relay that restarted with an empty table) */
  resync(reason: string): void
}

