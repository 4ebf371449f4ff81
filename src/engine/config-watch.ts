// A running agent notices a new network config and logs what it means for this host. It keeps
// running with the config it started with, as flanneld does (which reads the config once): a
// new backend, Network or SubnetLen takes effect when the agent restarts. The config key is read
// every CONFIG_POLL_MS (one small get); each new text is logged once.
import {configChange, mtuRule} from '../backends/config-change.js'
import {decodeNetworkConfig, encodeNetworkConfig} from '../backends/network-config.js'
import {formatIp4Net} from '../core/ip4.js'
import type {Lease, NetworkConfig} from '../core/types.js'
import type {AgentDeps} from './agent-deps.js'
import {sleep} from './clock.js'

export const CONFIG_POLL_MS = 10_000

export interface ConfigWatchInput {
  /** the config this agent runs */
  config: NetworkConfig
  ownLease: () => Lease
  signal: AbortSignal
}

/** Polls the config until the signal aborts; never throws (an unreachable etcd is the lease watch's to report). */
export async function watchNetworkConfig(input: ConfigWatchInput, deps: Pick<AgentDeps, 'clock' | 'log' | 'store'>): Promise<void> {
  const {clock, log, store} = deps
  const key = `${store.prefix}/config`
  const running = encodeNetworkConfig(input.config)
  let seen: string | undefined = running
  while (!input.signal.aborted) {
    await sleep(clock, CONFIG_POLL_MS, input.signal)
    if (input.signal.aborted) return
    const text = await store.getConfig().catch(() => seen) // unreachable: nothing new to say
    if (text === undefined) {
      if (seen !== undefined) log.warn('network config deleted', {key, meaning: 'this agent keeps running with the config it started with; a restart waits until there is one again'})
      seen = undefined
      continue
    }
    const decoded = decodeNetworkConfig(text, key)
    const now = decoded.ok ? encodeNetworkConfig(decoded.value) : text
    if (now === seen) continue
    seen = now
    if (!decoded.ok) {
      log.warn('network config changed and is invalid', {key, error: decoded.error.message, meaning: 'this agent keeps running with the config it started with; a restart would wait for a valid one'})
    } else if (now === running) {
      log.info('network config is back to the one this agent runs', {key})
    } else {
      logChange(input, decoded.value, key, deps.log)
    }
  }
}

function logChange(input: ConfigWatchInput, next: NetworkConfig, key: string, log: AgentDeps['log']): void {
  const own = input.ownLease()
  const change = configChange(input.config, next, [own])
  const fields = {key, changes: change.changed.join('; '), running: `${input.config.backend.type} subnet ${formatIp4Net(own.subnet)}`}
  if (change.oldShapeLeases.length === 0) {
    log.info('network config changed', {...fields, meaning: 'this host keeps its backend and subnet; nothing to do'})
    return
  }
  const onRestart = [
    next.backend.type !== input.config.backend.type ? `backend ${next.backend.type}` : '',
    change.notes.some((note) => note.includes('new subnet')) ? 'a new subnet (restart docker after it: new --bip)' : '',
    change.mtu !== undefined ? `FLANNEL_MTU ${mtuRule(next)} (restart docker after it: new --mtu)` : '',
  ].filter((part) => part !== '')
  log.warn('network config changed', {
    ...fields,
    meaning: `this agent keeps running with the config it started with (as flanneld does); it takes the new one when restarted: ${onRestart.join(', ') || 'the new backend options'}`,
    ...(change.splitsNetwork ? {reach: `until every agent restarted, hosts still on ${input.config.backend.type} and hosts on ${next.backend.type} cannot reach each other`} : {}),
  })
}
