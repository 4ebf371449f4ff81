// `flanctl up`: the agent, start to stop.
//   1. read the network config (while it is missing, invalid or etcd is unreachable: retry with
//      backoff, each time logging what is missing and where it looked);
//   2. choose the external interface and public IP; read the previous subnet.env;
//   3. set up the backend (vxlan: the device, whose MAC goes into the lease), acquire the lease;
//   4. side by side: finish the backend (the device's address), list the leases, and put the
//      masquerade and forward rules in place (their own loop: re-checked every --iptables-resync s);
//   5. write subnet.env, start the routes' reconcile loop and the watch (as flanneld does, after
//      subnet.env; at once if the rules fail), then tell systemd READY=1 and answer /readyz 200;
//   6. run until SIGINT/SIGTERM (resolve: exit 0) or our lease is deleted (throw): the lease and
//      the kernel state are left as they are either way.
// Every effect comes in through AgentDeps, so engine tests run the whole agent on fakes.
import type {LogFields, Logger} from '../adapters/log/logger.js'
import {afterFailure, backoff} from '../core/backoff.js'
import {countOps, plan} from '../core/plan.js'
import type {Dataplane, DataplaneState, DesiredState} from '../core/dataplane-state.js'
import {FlanctlError} from '../core/errors.js'
import {selectExternalInterface, type ExternalInterface, type InterfaceInfo} from '../core/external-interface.js'
import {formatIp4, formatIp4Net} from '../core/ip4.js'
import type {LeaseStore} from '../core/ports.js'
import {parseSubnetEnv, previousSubnets, renderSubnetEnv} from '../core/subnet-env.js'
import type {Ip4Net, Lease, LeaseAttrs, NetworkConfig} from '../core/types.js'
import {formatDuration, sleep, type Clock} from './clock.js'
import {eventOnly, stateAfter} from './known-state.js'
import {createLeaseBook} from './lease-book.js'
import {LEASE_TTL_SECONDS, startLeaseKeeper} from './lease-keeper.js'
import {readNetworkConfig} from './read-network-config.js'
import {createReconcileLoop, type ReconcileLoop} from './reconcile-loop.js'

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
  /** full reconcile pass this often without events; default 5000 */
  resyncIntervalMs?: number
  /** passes start at most this often; default 100 */
  minPassIntervalMs?: number
}

/** The backend in use, once set up: what goes into the lease and what it wants programmed. */
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
  desired(ownLease: Lease, peers: readonly Lease[]): DesiredState
  /** reads and changes only the entries flanctl owns */
  readonly dataplane: Dataplane
}

export interface BackendInput {
  config: NetworkConfig
  external: ExternalInterface
  random: () => number
}

export interface AcquireLeaseInput {
  store: LeaseStore
  config: NetworkConfig
  publicIp: string
  attrs: LeaseAttrs
  previousSubnet?: Ip4Net
  random: () => number
  ttlSeconds: number
}

export interface AcquiredLease {
  lease: Lease
  /** reuse: our lease was already there; previous: subnet.env's subnet; new: a free one */
  how: 'reuse' | 'previous' | 'new'
  /** keys of our old leases that no longer fit the config and were deleted */
  deletedStale: string[]
}

export interface RulesInput {
  network: Ip4Net
  subnet: Ip4Net
  ipMasq: boolean
  forwardRules: boolean
}

export interface AgentDeps {
  clock: Clock
  log: Logger
  random: () => number
  /** aborts on SIGINT/SIGTERM */
  signal: AbortSignal
  store: LeaseStore
  acquireLease(input: AcquireLeaseInput): Promise<AcquiredLease>
  listInterfaces(): Promise<InterfaceInfo[]>
  defaultRouteInterface(): Promise<string | undefined>
  createBackend(input: BackendInput): Promise<AgentBackend>
  /** puts the masquerade/forward rules in place; resolves with what was wrong and got fixed (empty: all was in place) */
  ensureRules(input: RulesInput): Promise<string[]>
  readFile(path: string): Promise<string | undefined>
  writeFileAtomic(path: string, text: string): Promise<void>
  /** READY=1 to systemd; 'no-socket' when not started by systemd */
  notifyReady(status: string): Promise<'sent' | 'no-socket'>
  setReady?(ready: boolean): void
}

export interface AgentResult {
  reason: 'signal'
  subnet?: string
}

// the backends `up` can program (core's SUPPORTED_BACKENDS are those a config may name; udp is not programmed yet)
const AGENT_BACKENDS = ['vxlan', 'host-gw']

/** Thrown inside runAgent when the signal aborts a step; runAgent turns it into a clean stop. */
class Stopped extends Error {}

/** Runs the agent until signalled (resolves) or our lease is deleted (rejects). */
export async function runAgent(options: AgentOptions, deps: AgentDeps): Promise<AgentResult> {
  const {clock, log, signal, store} = deps
  const cleanups: Array<() => Promise<void> | void> = []
  const finished = new AbortController()
  let ownSubnet: string | undefined
  let lostLease: {key: string; how: string} | undefined
  const checkStop = (): void => {
    if (signal.aborted) throw new Stopped()
    if (lostLease !== undefined) throw leaseLostError(lostLease.key, ownSubnet, lostLease.how, store)
  }

  try {
    // the interface and the last subnet need no etcd: looked up while the config is read
    const externalP = chooseInterface(options, deps)
    const previousP = readPreviousSubnet(options.subnetFile, deps)
    // a bad --iface fails at once, as in flanneld, and ends the config retries too
    const lookupFailed = new AbortController()
    externalP.catch(() => lookupFailed.abort())
    const configP = waitForConfig({...deps, signal: AbortSignal.any([signal, lookupFailed.signal])})
    configP.catch(() => {}) // when the lookup failed first, nobody waits for this one
    const {config, key} = await Promise.race([configP, externalP.then(() => configP)])
    checkStop()
    const backendType = config.backend.type
    if (!AGENT_BACKENDS.includes(backendType)) {
      throw new FlanctlError('E_INVALID_CONFIG', `backend ${backendType} in ${key} is not supported by flanctl up (supported: ${AGENT_BACKENDS.join(', ')})`, {
        hint: `Set "Backend": {"Type": "vxlan"} with \`flanctl config set\`${backendType === 'udp' ? ' (a config without Backend means udp)' : ''}.`,
      })
    }
    const network = config.network
    if (!config.enableIPv4 || network === undefined) {
      throw new FlanctlError('E_INVALID_CONFIG', `the network config at ${key} has no IPv4 Network; flanctl up needs one`)
    }
    log.info('network config', {key, network: formatIp4Net(network), subnetLen: config.subnetLen, backend: backendType})

    const external = await externalP
    checkStop()
    log.info('external interface', {iface: external.name, ifaceAddr: formatIp4(external.ifaceAddr), publicIp: formatIp4(external.publicIp), mtu: external.mtu})

    const previousSubnet = await previousP
    const backend = await deps.createBackend({config, external, random: deps.random})
    checkStop()

    const acquired = await retrying(deps, 'acquiring a lease', {etcd: store.description}, () =>
      deps.acquireLease({store, config, publicIp: formatIp4(external.publicIp), attrs: backend.leaseAttrs, previousSubnet, random: deps.random, ttlSeconds: LEASE_TTL_SECONDS}),
    )
    let ownLease = acquired.lease
    ownSubnet = formatIp4Net(ownLease.subnet)
    for (const stale of acquired.deletedStale) log.info('stale lease deleted', {key: stale, reason: 'no longer fits the network config'})
    log.info('lease acquired', {
      subnet: ownSubnet,
      how: acquired.how,
      key: ownLease.key,
      expires: ownLease.reservation ? 'never (reservation)' : formatDuration((ownLease.ttlSeconds ?? LEASE_TTL_SECONDS) * 1000),
    })
    checkStop()

    // the rules need only the network and our subnet: checked while the device is set up and the
    // leases are listed
    const rulesInput: RulesInput = {network, subnet: ownLease.subnet, ipMasq: options.ipMasq, forwardRules: options.iptablesForwardRules}
    const rules = !options.ipMasq && !options.iptablesForwardRules ? undefined : createReconcileLoop({
      name: 'rules',
      clock,
      log,
      resyncIntervalMs: options.iptablesResyncSeconds * 1000,
      reconcile: async () => {
        const fixed = await deps.ensureRules(rulesInput)
        return {changes: fixed.length, fields: fixed.length > 0 ? {fixed: fixed.join('; ')} : undefined}
      },
    })
    if (rules !== undefined) {
      cleanups.push(() => rules.stop())
      rules.start()
    }

    // the list needs only our key: etcd answers it while the device is set up (and its retries
    // end with runAgent, should activate fail first)
    const listing = retrying({...deps, signal: AbortSignal.any([signal, finished.signal])}, 'listing leases', {etcd: store.description}, () => store.listLeases())
    listing.catch(() => {}) // awaited below
    await backend.activate(ownLease)
    log.info('backend ready', {type: backend.type, mtu: backend.mtu, ...backend.details})
    checkStop()

    // Our own lease's deletion stops the agent; set up before the watch can report it.
    let ownLeaseDeleted!: () => void
    const leaseLost = new Promise<void>((resolve) => (ownLeaseDeleted = resolve))

    let routes: ReconcileLoop | undefined
    const book = createLeaseBook({
      ownKey: ownLease.key,
      backendType: backend.type,
      log,
      onChange: (reason) => routes?.markDirty(reason),
      onOwnLeaseDeleted: (how) => {
        lostLease = {key: ownLease.key, how}
        ownLeaseDeleted()
      },
    })
    const list = await listing
    checkStop()
    book.load(list)
    checkStop()

    const seenWarnings = new Set<string>()
    let known: DataplaneState | undefined
    routes = createReconcileLoop({
      name: 'routes',
      clock,
      log,
      minIntervalMs: options.minPassIntervalMs,
      resyncIntervalMs: options.resyncIntervalMs ?? 5000,
      reconcile: async (reasons) => {
        const observed = known !== undefined && eventOnly(reasons) ? known : await backend.dataplane.observe()
        known = undefined // unknown until this pass's ops have all taken effect
        // desired after observe: leases that arrived meanwhile are included
        const desired = backend.desired(ownLease, book.peers())
        for (const warning of desired.warnings) {
          if (seenWarnings.has(warning)) continue
          seenWarnings.add(warning)
          log.warn('skipping lease', {detail: warning})
        }
        const ops = plan(desired.state, observed)
        if (ops.length > 0) await backend.dataplane.apply(ops)
        known = stateAfter(observed, ops)
        return {changes: ops.length, fields: countOps(ops)}
      },
    })
    cleanups.push(() => routes?.stop())
    // The peers' routes and the watch start once subnet.env is written, as flanneld's do: before
    // that, their kernel reads would only take the CPU the start needs. When the rules fail, they
    // start at once: a broken iptables must not hold the routes back.
    let routing = false
    const startRouting = (): void => {
      if (routing) return
      routing = true
      routes?.start()
      const watch = store.watchLeases(list.revision, book)
      cleanups.push(() => watch.close())
    }

    // renewals run from here on, even while the rules below are still failing
    const keeper = startLeaseKeeper({
      clock,
      log,
      store,
      lease: ownLease,
      renewMarginMinutes: options.renewMarginMinutes,
      onRenewed: (lease) => {
        ownLease = lease
      },
    })
    cleanups.push(() => keeper.stop())

    if (rules !== undefined) {
      await Promise.race([rules.firstPass, abortion(signal), leaseLost])
      checkStop()
      if (rules.status().failedPasses > 0) startRouting()
      // subnet.env and READY only once the rules are in place
      await Promise.race([rules.firstSuccess, abortion(signal), leaseLost])
      checkStop()
    }

    const subnetEnv = renderSubnetEnv({network, subnet: ownLease.subnet, mtu: backend.mtu, ipMasq: options.ipMasq})
    await deps.writeFileAtomic(options.subnetFile, subnetEnv)
    log.info('subnet file written', {path: options.subnetFile, subnet: ownSubnet, mtu: backend.mtu})
    checkStop()
    startRouting()

    deps.setReady?.(true)
    const notified = await deps.notifyReady(`subnet ${ownSubnet}, ${book.peers().length} peers`).catch((error: Error) => {
      log.warn('could not notify systemd', {error: error.message})
      return 'failed' as const
    })
    log.info('ready', {subnet: ownSubnet, systemd: notified === 'sent' ? 'notified' : notified})

    await Promise.race([abortion(signal), leaseLost])
    checkStop()
    return {reason: 'signal', subnet: ownSubnet}
  } catch (error) {
    if (error instanceof Stopped) return {reason: 'signal', subnet: ownSubnet}
    if (lostLease !== undefined) log.error('own lease deleted', {key: lostLease.key, subnet: ownSubnet, how: lostLease.how})
    throw error
  } finally {
    finished.abort()
    if (signal.aborted) log.info('stopping', {reason: 'signal', note: 'lease and kernel state left in place'})
    deps.setReady?.(false)
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((error: Error) => log.debug('cleanup failed', {error: error.message}))
    }
  }
}

function leaseLostError(key: string, subnet: string | undefined, how: string, store: LeaseStore): FlanctlError {
  return new FlanctlError('E_NOT_FOUND', `our lease ${key} (${subnet}) was ${how === 'deleted' ? 'deleted from' : 'no longer in'} etcd (${store.description}); stopping`, {
    hint: 'Someone deleted it (flanctl lease release, etcdctl del), or it expired while etcd was unreachable. Start flanctl up again to acquire a lease; the kernel state was left in place.',
  })
}

/** Resolves when the signal aborts (never rejects). */
function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    signal.addEventListener('abort', () => resolve(), {once: true})
  })
}

/** Codes worth waiting out: etcd down, config not written yet or being fixed, subnets freed later. */
const RETRYABLE = new Set(['E_NO_CONFIG', 'E_INVALID_CONFIG', 'E_ETCD_UNREACHABLE', 'E_SUBNETS_EXHAUSTED', 'E_CONFLICT'])

function retryable(error: unknown): boolean {
  return !(error instanceof FlanctlError) || RETRYABLE.has(error.code)
}

/**
 * Runs attempt until it succeeds, backing off 100 ms .. 5 s, logging every failure with what was
 * being done and where; throws Stopped when signalled and rethrows errors that waiting cannot fix.
 */
async function retrying<T>(deps: AgentDeps, doing: string, where: LogFields, attempt: () => Promise<T>): Promise<T> {
  let state = backoff()
  let lastHint: string | undefined
  for (;;) {
    if (deps.signal.aborted) throw new Stopped()
    try {
      return await attempt()
    } catch (error) {
      if (deps.signal.aborted) throw new Stopped()
      if (!retryable(error)) throw error
      state = afterFailure(state)
      const hint = error instanceof FlanctlError ? error.hint : undefined
      deps.log.warn(`${doing} failed`, {
        ...where,
        code: error instanceof FlanctlError ? error.code : undefined,
        error: error instanceof Error ? error.message : String(error),
        retryIn: formatDuration(state.delayMs),
        // the hint once, and again when it changes: the same advice every 5 s is noise
        hint: hint !== lastHint ? hint : undefined,
      })
      lastHint = hint
      await sleep(deps.clock, state.delayMs, deps.signal)
    }
  }
}

async function waitForConfig(deps: AgentDeps): Promise<{config: NetworkConfig; key: string}> {
  const {store} = deps
  const key = `${store.prefix}/config`
  const read = await retrying(deps, 'reading the network config', {key, etcd: store.description}, () => readNetworkConfig(store))
  return {config: read.config, key}
}

async function chooseInterface(options: AgentOptions, deps: AgentDeps): Promise<ExternalInterface> {
  // the default route only counts without --iface and --iface-regex: otherwise not asked (one `ip` run less)
  const needDefault = options.ifaces.length === 0 && options.ifaceRegexes.length === 0
  const [interfaces, defaultRouteInterface] = await Promise.all([deps.listInterfaces(), needDefault ? deps.defaultRouteInterface() : undefined])
  const chosen = selectExternalInterface({interfaces, defaultRouteInterface, iface: options.ifaces, ifaceRegex: options.ifaceRegexes, publicIp: options.publicIp})
  if (!chosen.ok) {
    throw new FlanctlError(chosen.error.code, chosen.error.message, {hint: 'Name the interface that reaches the other hosts with --iface (or FLANNELD_IFACE), by name or IP.'})
  }
  return chosen.value
}

/** FLANNEL_SUBNET of the last run, so a restart keeps its subnet even when its lease expired. */
async function readPreviousSubnet(path: string, deps: AgentDeps): Promise<Ip4Net | undefined> {
  const text = await deps.readFile(path).catch((error: Error) => {
    deps.log.warn('cannot read the previous subnet file', {path, error: error.message})
    return undefined
  })
  if (text === undefined) return undefined
  const vars = parseSubnetEnv(text, path)
  const subnets = vars.ok ? previousSubnets(vars.value, path) : vars
  if (!subnets.ok) {
    deps.log.warn('ignoring the previous subnet file', {path, error: subnets.error.message})
    return undefined
  }
  if (subnets.value.subnet !== undefined) deps.log.info('previous subnet', {path, subnet: formatIp4Net(subnets.value.subnet)})
  return subnets.value.subnet
}
