// Step 3 of the agent: with the lease held, bring the host up and keep it so.
//   - the rules' loop starts at once (it needs only the network and our subnet);
//   - the backend is activated (vxlan: the device gets <subnet>.0/32) while the lease list the
//     acquisition read becomes the peer book;
//   - renewals run from here on;
//   - subnet.env is written once the rules are in place, then READY=1 and /readyz 200;
//   - the routes' loop starts after subnet.env (and READY=1 sent), as flanneld's does, or as
//     soon as the rules fail or take longer than RULES_GRACE_MS: a broken iptables must not hold
//     the routes back; the watch follows the routes' first pass.
//   - one health state collects the degraded reasons (own-lease-guard.ts: another host wrote our
//     lease; underlay-check.ts; peers the backend cannot reach) for /readyz and diagnose.
// Resolves when the signal aborts; the caller tells a stop from a lost lease.
import type {AgentBackend} from '../backends/backend-module.js'
import {formatIp4Net} from '../core/ip4.js'
import type {LeaseShape} from '../core/peer-validation.js'
import {renderSubnetEnv} from '../core/subnet-env.js'
import type {Ip4Net, Lease, NetworkConfig} from '../core/types.js'
import type {AcquiredLease} from './acquire-lease.js'
import type {AgentDeps, AgentOptions} from './agent-deps.js'
import {sleep} from './clock.js'
import {createAgentReporter, type AgentReporter} from './agent-report.js'
import {watchNetworkConfig} from './config-watch.js'
import {createLeaseBook} from './lease-book.js'
import {startLeaseKeeper, type LeaseKeeper} from './lease-keeper.js'
import {createHealthState, type HealthState} from './health-state.js'
import {createUnderlayCheck} from './underlay-check.js'
import type {ExternalInterface} from '../core/external-interface.js'

/** the degraded reason of peers the backend cannot reach (host-gw off our segment) */
const UNREACHABLE_PEERS = 'unreachable-peers'
import {createOwnLeaseGuard, type OwnLeaseGuard} from './own-lease-guard.js'
import {abortion, Stopped} from './retrying.js'
import {createRoutesLoop} from './routes-loop.js'
import {createRulesLoop} from './rules-loop.js'
import type {ReconcileLoop} from './reconcile-loop.js'

/** How long the routes wait for the rules' first pass before they start anyway. */
export const RULES_GRACE_MS = 2000

/** How long the watch waits for the routes' first pass before it starts anyway. */
export const WATCH_DELAY_MAX_MS = 1000

export interface RunLoopsInput {
  network: Ip4Net
  /** the config the agent runs: a new one in etcd is logged (config-watch.ts), not applied */
  config?: NetworkConfig
  /** what a peer's lease must look like; absent: not checked */
  shape?: LeaseShape
  /** the external interface as the agent started with it (its MTU is checked); absent: not checked */
  external?: ExternalInterface
  /** false when the config's Backend.MTU, not the interface, gives the underlay MTU */
  mtuFollowsInterface?: boolean
  backend: AgentBackend
  acquired: AcquiredLease
  /** the agent's one signal: SIGINT/SIGTERM, our lease lost, or a failure elsewhere */
  signal: AbortSignal
  /** our lease left etcd: the agent must stop */
  onOwnLeaseDeleted: (how: string) => void
  /** things to undo when the agent stops, last first */
  cleanups: Array<() => Promise<void> | void>
}

export async function runLoops(input: RunLoopsInput, options: AgentOptions, deps: AgentDeps): Promise<void> {
  const {clock, log, store} = deps
  const {backend, network, signal, cleanups} = input
  let ownLease: Lease = input.acquired.lease
  const ownSubnet = formatIp4Net(ownLease.subnet)
  const checkStop = (): void => {
    if (signal.aborted) throw new Stopped()
  }

  const rules = createRulesLoop({clock, log, network, subnet: ownLease.subnet, options, deps})
  if (rules !== undefined) {
    cleanups.push(() => rules.stop())
    rules.start()
  }

  // changes before the routes' loop exists need no mark: its first pass sees them all
  let routes: ReconcileLoop | undefined
  let keeper: LeaseKeeper | undefined
  const health = createHealthState((reasons) => deps.setDegraded?.(reasons))
  const guard = ownLeaseGuard(input, options, deps, health, {
    reassert: async () => keeper?.renewNow(),
    onYield: () => keeper?.stop(),
  })
  cleanups.push(() => guard.stop())
  let reporter: AgentReporter | undefined
  const book = createLeaseBook({
    ownKey: ownLease.key,
    backendType: backend.type,
    log,
    onChange: (reason) => routes?.markDirty(reason),
    onOwnLeaseDeleted: input.onOwnLeaseDeleted,
    shape: input.shape,
    onOwnPut: (lease) => guard.onOwnPut(lease),
    onWatchHealth: (healthy) => reporter?.watchHealth(healthy),
  })

  await backend.activate(ownLease)
  // read now, beside the rules' first pass: the routes' first pass starts from it (routes-loop.ts)
  const firstObservation = backend.dataplane.observe()
  firstObservation.catch(() => {}) // that pass reads again
  log.info('backend ready', {type: backend.type, mtu: backend.mtu, ...backend.details})
  checkStop()
  const list = input.acquired.list
  book.load(list)
  checkStop()

  const routesLoop = createRoutesLoop({
    clock,
    log,
    backend,
    ownLease: () => ownLease,
    peers: () => book.peers(),
    firstObservation,
    resyncIntervalMs: options.resyncIntervalMs,
    checkIntervalMs: options.checkIntervalMs,
    minPassIntervalMs: options.minPassIntervalMs,
    check:
      input.external === undefined
        ? undefined
        : createUnderlayCheck({
            external: input.external,
            overlayMtu: backend.mtu,
            followsInterface: input.mtuFollowsInterface ?? true,
            listInterfaces: () => deps.listInterfaces(),
            log,
            health,
          }),
    onDegraded: (reasons) => (reasons.length > 0 ? health.set(UNREACHABLE_PEERS, reasons.join('; ')) : health.clear(UNREACHABLE_PEERS)),
  })
  routes = routesLoop
  cleanups.push(() => routesLoop.stop())

  let routing = false
  const startRouting = (): void => {
    if (routing || signal.aborted) return
    routing = true
    routesLoop.start()
    void routesLoop.firstPass.then(() => deps.onStarted?.())
    // The watch starts at the list's revision, so it misses nothing by starting once the first
    // pass is done (or has taken WATCH_DELAY_MAX_MS): setting it up takes the CPU that pass needs.
    void Promise.race([routesLoop.firstPass, sleep(clock, WATCH_DELAY_MAX_MS, signal)])
      .catch(() => {})
      .then(() => {
        if (signal.aborted) return
        const watch = store.watchLeases(list.revision, book)
        cleanups.push(() => watch.close())
      })
    if (input.config !== undefined) void watchNetworkConfig({config: input.config, ownLease: () => ownLease, signal}, deps)
  }

  const renewals = startLeaseKeeper({clock, log, store, lease: ownLease, renewMarginMinutes: options.renewMarginMinutes, onRenewed: (lease) => (ownLease = lease)})
  keeper = renewals
  cleanups.push(() => renewals.stop())
  reporter = createAgentReporter({clock, log, lease: () => ownLease, keeper: renewals, routes: () => routes, rules, wallNow: Date.now})
  const report = reporter
  deps.setStatus?.(() => report.status())
  cleanups.push(() => report.stop())

  if (rules !== undefined) {
    let rulesInPlace = false
    void rules.firstSuccess.then(() => (rulesInPlace = true))
    await Promise.race([rules.firstPass, sleep(clock, RULES_GRACE_MS, signal).catch(() => {}), abortion(signal)])
    checkStop()
    if (!rulesInPlace) startRouting()
    // subnet.env and READY only once the rules are in place
    await Promise.race([rules.firstSuccess, abortion(signal)])
    checkStop()
  }

  const subnetEnv = renderSubnetEnv({network, subnet: ownLease.subnet, mtu: backend.mtu, ipMasq: options.ipMasq})
  await deps.writeFileAtomic(options.subnetFile, subnetEnv)
  log.info('subnet file written', {path: options.subnetFile, subnet: ownSubnet, mtu: backend.mtu})
  checkStop()

  deps.setReady?.(true)
  // READY=1 is on its way before the routes' first pass and the watch take the CPU: systemd,
  // and docker after it, wait for READY, not for the peers' routes
  const notifying = deps.notifyReady(`subnet ${ownSubnet}, ${book.peers().length} peers`).catch((error: Error) => {
    log.warn('could not notify systemd', {error: error.message})
    return 'failed' as const
  })
  startRouting()
  const notified = await notifying
  log.info('ready', {subnet: ownSubnet, systemd: notified === 'sent' ? 'notified' : notified})

  const running = backend.run?.({
    signal,
    log,
    sleep: (ms) => sleep(clock, ms, signal),
    setReady: (ready) => deps.setReady?.(ready),
    resync: (reason) => routesLoop.markDirty(reason),
  })
  await Promise.all([abortion(signal), running])
}

/**
 * The guard of our lease's value. A reused lease that held other backend data (vxlan: another
 * VtepMAC) than this host's is warned about: after a reboot that is expected (a new device), but
 * it may be another live host with this public IP; this host is then the newcomer and yields.
 */
function ownLeaseGuard(input: RunLoopsInput, options: AgentOptions, deps: AgentDeps, health: HealthState, hooks: {reassert: () => Promise<void>; onYield: () => void}): OwnLeaseGuard {
  const {log} = deps
  const {lease, how, previousAttrs} = input.acquired
  const data = (value: unknown): string => JSON.stringify(value ?? null)
  const newcomer = how === 'reuse' && previousAttrs !== undefined && data(previousAttrs.backendData) !== data(lease.attrs.backendData)
  if (newcomer) {
    log.warn('reused our lease, but it held another host\'s data', {
      key: lease.key,
      held: data(previousAttrs.backendData),
      ours: data(lease.attrs.backendData),
      detail: `another live host may hold this public IP ${lease.attrs.publicIp} (expected only if this host rebooted and its device is new)`,
    })
  }
  return createOwnLeaseGuard({
    clock: deps.clock,
    log,
    health,
    ours: lease.attrs,
    newcomer,
    holdOffMs: options.ownLeaseHoldOffMs,
    ...hooks,
  })
}
