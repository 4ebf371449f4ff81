// Step 2 of the agent: read the network config (waiting while it is missing, invalid or etcd is
// unreachable), refuse what `flanctl up` cannot run, start the backend and acquire the lease.
import {FlanctlError} from '../core/errors.js'
import type {ExternalInterface} from '../core/external-interface.js'
import {formatIp4, formatIp4Net} from '../core/ip4.js'
import {LEASE_TTL_SECONDS, type Ip4Net, type NetworkConfig} from '../core/types.js'
import type {AgentBackend} from '../backends/backend-module.js'
import {unrunnableParts} from '../backends/network-config.js'
import {findBackend, RUNNABLE_BACKEND_TYPES} from '../backends/registry.js'
import {acquireLease, type AcquiredLease} from './acquire-lease.js'
import type {AgentDeps} from './agent-deps.js'
import type {EarlyLeaseList} from './early-lease-list.js'
import {formatDuration} from './clock.js'
import {readNetworkConfig} from './read-network-config.js'
import {retrying, type RetryContext} from './retrying.js'

export interface ConfigRead {
  config: NetworkConfig
  key: string
}

/** The config, once etcd has one that flannel's rules accept; retried for ever otherwise. */
export async function waitForConfig(ctx: RetryContext, store: AgentDeps['store']): Promise<ConfigRead> {
  const key = `${store.prefix}/config`
  const read = await retrying(ctx, 'reading the network config', {key, etcd: store.description}, () => readNetworkConfig(store))
  return {config: read.config, key}
}

/** The IPv4 network of a config `flanctl up` can run; E_INVALID_CONFIG naming the key otherwise. */
export function runnableNetwork({config, key}: ConfigRead): Ip4Net {
  const type = config.backend.type
  if (!RUNNABLE_BACKEND_TYPES.includes(type)) {
    throw new FlanctlError('E_INVALID_CONFIG', `backend ${type} in ${key} is not supported by flanctl up (supported: ${RUNNABLE_BACKEND_TYPES.join(', ')})`, {
      hint: `Set "Backend": {"Type": "vxlan"} (or host-gw, udp) with \`flanctl config set\`.`,
    })
  }
  const [part] = unrunnableParts(config)
  if (part !== undefined) {
    throw new FlanctlError('E_INVALID_CONFIG', `${key}: ${part}`, {hint: 'Remove it from the config with `flanctl config set`, or run flanneld on this host.'})
  }
  if (!config.enableIPv4 || config.network === undefined) {
    throw new FlanctlError('E_INVALID_CONFIG', `the network config at ${key} has no IPv4 Network; flanctl up needs one`)
  }
  return config.network
}

export async function startBackend(config: NetworkConfig, external: ExternalInterface, deps: Pick<AgentDeps, 'platform' | 'random'>): Promise<AgentBackend> {
  const start = findBackend(config.backend.type)?.start
  if (start === undefined) throw new FlanctlError('E_INVALID_CONFIG', `backend ${config.backend.type} cannot be run by flanctl up`)
  return start({config, external, random: deps.random, platform: deps.platform})
}

export interface JoinInput {
  config: NetworkConfig
  external: ExternalInterface
  backend: AgentBackend
  previousSubnet?: Ip4Net
  /** the leases listed while the config was read (early-lease-list.ts) */
  earlyList?: EarlyLeaseList
}

/** Our lease by flannel's rules (our own by public IP, the previous subnet, a free one), retried while etcd is away. */
export async function joinNetwork(input: JoinInput, ctx: RetryContext, deps: Pick<AgentDeps, 'store' | 'random'>): Promise<AcquiredLease> {
  const {store} = deps
  const acquired = await retrying(ctx, 'acquiring a lease', {etcd: store.description}, () =>
    acquireLease({
      firstList: input.earlyList?.take(),
      store,
      config: input.config,
      publicIp: formatIp4(input.external.publicIp),
      attrs: input.backend.leaseAttrs,
      previousSubnet: input.previousSubnet,
      random: deps.random,
      ttlSeconds: LEASE_TTL_SECONDS,
    }),
  )
  const own = acquired.lease
  for (const stale of acquired.deletedStale) ctx.log.info('stale lease deleted', {key: stale, reason: 'no longer fits the network config'})
  ctx.log.info('lease acquired', {
    subnet: formatIp4Net(own.subnet),
    how: acquired.how,
    key: own.key,
    expires: own.reservation ? 'never (reservation)' : formatDuration((own.ttlSeconds ?? LEASE_TTL_SECONDS) * 1000),
  })
  return acquired
}
