// runAgent with the real world plugged in: iproute2, iptables, files, systemd, the health server
// and the system clock. `flanctl up` calls this; engine tests call runAgent with fakes instead.
import {readTextFile, writeFileAtomic} from '../adapters/files/atomic-file.js'
import {startHealthServer, type HealthServer} from '../adapters/http/health-server.js'
import type {Logger} from '../adapters/log/logger.js'
import {notifyReady} from '../adapters/sd-notify/sd-notify.js'
import {iproute2Platform} from '../backends/platform.js'
import type {LeaseStore} from '../core/ports.js'
import {runAgent, type AgentOptions, type AgentResult} from './agent.js'
import {systemClock} from './clock.js'
import {cryptoRandom} from './crypto-random.js'
import {earlyRead} from './early-read.js'

/** How old the tables read at start may be for the rules' first pass to check against them. */
export const EARLY_SAVE_MAX_AGE_MS = 2000

export interface AgentProcessOptions extends AgentOptions {
  /** --healthz-ip */
  healthzIp: string
  /** --healthz-port; 0: no health server */
  healthzPort: number
}

export interface AgentProcessDeps {
  store: LeaseStore
  log: Logger
  signal: AbortSignal
  /** called once, when the routes' first pass is done */
  onStarted?: () => void
}

export async function runAgentProcess(options: AgentProcessOptions, deps: AgentProcessDeps): Promise<AgentResult> {
  const {log, store, signal, onStarted} = deps
  let health: HealthServer | undefined
  if (options.healthzPort > 0) {
    health = await startHealthServer(options.healthzIp, options.healthzPort)
    log.info('health checks served', {address: `http://${options.healthzIp}:${health.address.port}`, paths: '/healthz /readyz /status'})
  }
  const platform = iproute2Platform()
  const [ip, iptables] = await Promise.all([import('../adapters/iproute2/interfaces.js'), import('../adapters/iptables/index.js')])
  // asked at once, while etcd is being dialled: the answer never changes, and a process spawned
  // later, from the bigger heap of a listed lease set, holds the start up longer
  const randomFully = options.ipMasq ? iptables.iptablesSupportsRandomFully() : undefined
  randomFully?.catch(() => {}) // the rules loop reads the failure when it asks
  // the same for the tables: the rules' first pass checks against them while they are fresh (it
  // would otherwise save them when it starts, with the lease, and subnet.env waits for that
  // pass); after a wait for etcd they are read again
  const firstSave = options.ipMasq || options.iptablesForwardRules ? earlyRead(iptables.saveTables([]), systemClock, EARLY_SAVE_MAX_AGE_MS) : undefined
  try {
    return await runAgent(options, {
      clock: systemClock,
      log,
      random: cryptoRandom,
      signal,
      store,
      platform,
      listInterfaces: () => ip.listInterfaces(),
      defaultRouteInterface: () => ip.defaultRouteInterface(),
      supportsRandomFully: () => randomFully ?? iptables.iptablesSupportsRandomFully(),
      ensureRules: async (rules) => (await iptables.ensureRules(rules, {saved: firstSave?.take()})).problems,
      readFile: readTextFile,
      writeFileAtomic: (path, text) => writeFileAtomic(path, text, 0o644),
      notifyReady: (status) => notifyReady(status),
      setReady: (ready) => health?.setReady(ready),
      setDegraded: (reasons) => health?.setDegraded(reasons),
      setStatus: (status) => health?.setStatus(status),
      onStarted,
    })
  } finally {
    await health?.close()
    await store.close().catch(() => undefined)
  }
}
