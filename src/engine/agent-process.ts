// runAgent with the real world plugged in: iproute2, iptables, files, systemd, the health server
// and the system clock. `flanctl up` calls this; engine tests call runAgent with fakes instead.
import {randomBytes} from 'node:crypto'
import {readTextFile, writeFileAtomic} from '../adapters/files/atomic-file.js'
import {startHealthServer, type HealthServer} from '../adapters/http/health-server.js'
import type {Logger} from '../adapters/log/logger.js'
import {notifyReady} from '../adapters/sd-notify/sd-notify.js'
import {forwardRules, masqRules, type IptablesRule} from '../core/masq-rules.js'
import type {LeaseStore} from '../core/ports.js'
import {runAgent, type AcquiredLease, type AcquireLeaseInput, type AgentOptions, type AgentResult, type RulesInput} from './agent.js'
import {createBackend, iproute2Platform} from './backends.js'
import {systemClock} from './clock.js'

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
}

/** A uniform number in [0, 1) from the OS's CSPRNG (subnet choice, VtepMAC). */
function random(): number {
  return randomBytes(6).readUIntBE(0, 6) / 2 ** 48
}

export async function runAgentProcess(options: AgentProcessOptions, deps: AgentProcessDeps): Promise<AgentResult> {
  const {log, store, signal} = deps
  let health: HealthServer | undefined
  if (options.healthzPort > 0) {
    health = await startHealthServer(options.healthzIp, options.healthzPort)
    log.info('health checks served', {address: `http://${options.healthzIp}:${health.address.port}`, paths: '/healthz /readyz'})
  }
  const [platform, ip, iptables, {acquireLease}] = await Promise.all([
    iproute2Platform(),
    import('../adapters/iproute2/index.js'),
    import('../adapters/iptables/index.js'),
    import('./acquire-lease.js'),
  ])

  // asked once, early, while etcd is being read
  const randomFully = options.ipMasq ? iptables.iptablesSupportsRandomFully().catch(() => false) : Promise.resolve(false)
  const rulesFor = async (input: RulesInput): Promise<IptablesRule[]> => {
    const rules: IptablesRule[] = []
    if (input.ipMasq) rules.push(...masqRules({network: input.network, subnet: input.subnet, randomFully: await randomFully}))
    if (input.forwardRules) rules.push(...forwardRules(input.network))
    return rules
  }

  try {
    return await runAgent(options, {
      clock: systemClock,
      log,
      random,
      signal,
      store,
      acquireLease: async (input: AcquireLeaseInput): Promise<AcquiredLease> => {
        const acquired = await acquireLease(input)
        return {lease: acquired.lease, how: acquired.how, deletedStale: acquired.deletedStale}
      },
      listInterfaces: () => ip.listInterfaces(),
      defaultRouteInterface: () => ip.defaultRouteInterface(),
      createBackend: (input) => createBackend(input, platform),
      ensureRules: async (input) => {
        const result = await iptables.ensureRules(await rulesFor(input))
        return result.changed ? result.problems : []
      },
      readFile: readTextFile,
      writeFileAtomic: (path, text) => writeFileAtomic(path, text, 0o644),
      notifyReady: (status) => notifyReady(status),
      setReady: (ready) => health?.setReady(ready),
    })
  } finally {
    await health?.close()
    await store.close().catch(() => undefined)
  }
}
