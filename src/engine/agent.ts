// `flanctl up`: the agent, start to stop, as three named steps (each exported and tested alone,
// so that a diagnosis can use the same logic read-only):
//   1. prepareHost: the external interface and public IP, the previous subnet (no etcd needed:
//      done while the config is read; a bad --iface fails at once and ends the config retries);
//   2. join: the network config, the backend, the lease;
//   3. runLoops: rules, routes, watch, renewal, subnet.env, READY.
// One abort signal ends everything: SIGINT/SIGTERM (resolve: exit 0), our lease deleted
// (reject), or a step that failed. The lease and the kernel state are left in place.
import {FlanctlError} from '../core/errors.js'
import {formatIp4, formatIp4Net} from '../core/ip4.js'
import type {LeaseStore} from '../core/ports.js'
import {LEASE_TTL_SECONDS} from '../core/types.js'
import type {AgentDeps, AgentOptions, AgentResult} from './agent-deps.js'
import {listLeasesEarly} from './early-lease-list.js'
import {joinNetwork, runnableNetwork, startBackend, waitForConfig} from './join-network.js'
import {interfaceInNetworkProblem} from '../core/interface-in-network.js'
import {prepareHost} from './prepare-host.js'
import {Stopped} from './retrying.js'
import {runLoops} from './run-loops.js'

export type {AgentDeps, AgentOptions, AgentResult} from './agent-deps.js'

/** Runs the agent until signalled (resolves) or our lease is deleted (rejects). */
export async function runAgent(options: AgentOptions, deps: AgentDeps): Promise<AgentResult> {
  const {log, store} = deps
  // the reason it aborts with is what runAgent ends with: Stopped (a signal), or the error of
  // the step that ended it (a bad --iface, our lease lost)
  const stop = new AbortController()
  const stopOnSignal = (): void => stop.abort(new Stopped())
  deps.signal.addEventListener('abort', stopOnSignal, {once: true})
  if (deps.signal.aborted) stopOnSignal()
  const ctx = {clock: deps.clock, log, signal: stop.signal}
  const cleanups: Array<() => Promise<void> | void> = []
  let ownSubnet: string | undefined
  const checkStop = (): void => {
    if (stop.signal.aborted) throw stop.signal.reason
  }

  try {
    const hostP = prepareHost(options, deps)
    hostP.catch((error: unknown) => stop.abort(error)) // a bad --iface ends the config retries too
    const configP = waitForConfig(ctx, store)
    const earlyList = listLeasesEarly(store, deps.clock)
    // the grant is a write etcd takes a while for: done beside the reads, not after them
    store.prepareLeaseGrant?.(LEASE_TTL_SECONDS)
    configP.catch(() => {}) // when the host step failed first, nobody waits for this one
    const read = await Promise.race([configP, hostP.then(() => configP)])
    checkStop()
    const network = runnableNetwork(read)
    const {config, key} = read
    log.info('network config', {key, network: formatIp4Net(network), subnetLen: config.subnetLen, backend: config.backend.type})

    const {external, previousSubnet} = await hostP
    checkStop()
    log.info('external interface', {iface: external.name, ifaceAddr: formatIp4(external.ifaceAddr), publicIp: formatIp4(external.publicIp), mtu: external.mtu})
    const inside = interfaceInNetworkProblem(external, network)
    if (inside !== undefined) {
      throw new FlanctlError('E_USAGE', inside, {hint: 'Choose the interface that reaches the other hosts with --iface or --iface-regex (FLANNELD_IFACE, FLANNELD_IFACE_REGEX), or --public-ip.'})
    }

    const backend = await startBackend(config, external, deps)
    // the relay of udp: ended on every way out
    if (backend.close !== undefined) cleanups.push(() => backend.close?.())
    checkStop()
    const acquired = await joinNetwork({config, external, backend, previousSubnet, earlyList}, ctx, deps)
    ownSubnet = formatIp4Net(acquired.lease.subnet)
    if (previousSubnet !== undefined && formatIp4Net(previousSubnet) !== ownSubnet) {
      // docker keeps the bridge address it was started with
      log.warn('subnet changed', {
        previous: formatIp4Net(previousSubnet),
        subnet: ownSubnet,
        detail: `restart docker with the new --bip=${formatIp4(acquired.lease.subnet.ip + 1)}/${acquired.lease.subnet.prefixLen} (flanctl docker-opts writes it from the new subnet.env); containers on the old subnet are unreachable`,
      })
    }
    checkStop()

    await runLoops(
      {
        network,
        config,
        shape: {network, subnetLen: config.subnetLen, ownAddresses: [external.publicIp, external.ifaceAddr]},
        external,
        mtuFollowsInterface: !(config.backend.mtu > 0),
        backend,
        acquired,
        signal: stop.signal,
        cleanups,
        onOwnLeaseDeleted: (how) => {
          log.error('own lease deleted', {key: acquired.lease.key, subnet: ownSubnet, how})
          stop.abort(leaseLostError(acquired.lease.key, ownSubnet, how, store))
        },
      },
      options,
      deps,
    )
    checkStop()
    return {reason: 'signal', subnet: ownSubnet}
  } catch (error) {
    // a step that saw the abort throws Stopped; what ended the agent is the abort's reason
    const cause = error instanceof Stopped && stop.signal.aborted ? stop.signal.reason : error
    if (cause instanceof Stopped) return {reason: 'signal', subnet: ownSubnet}
    throw cause
  } finally {
    deps.signal.removeEventListener('abort', stopOnSignal)
    stop.abort(new Stopped())
    if (deps.signal.aborted) log.info('stopping', {reason: 'signal', note: 'lease and kernel state left in place'})
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
