// Layer 8: the agent on this host: its process, its health endpoints, its own report.
import {verdict} from './check-result.js'
import {gathered, type Judges} from './judge.js'

export const agentJudges: Judges = {
  'agent.process': (s) => {
    const a = gathered(s.agent, 'agent')
    if ('reason' in a) return verdict.skip(a.reason)
    const {pids} = a.value
    if (pids.length === 0) return verdict.fail(['no flanctl up process in this network namespace'], 'Start it: systemctl start flanctl (see flanctl systemd), or flanctl up with the same flags.')
    if (pids.length > 1) return verdict.warn([`pids ${pids.join(', ')}`], 'More than one agent programs this host: stop all but one.')
    const state = a.value.states?.[String(pids[0])]
    if (state === 'T' || state === 't') return verdict.warn([`pid ${pids[0]} is stopped (state ${state}: SIGSTOP or a debugger): it reconciles nothing`], `kill -CONT ${pids[0]}`)
    if (state === 'Z') return verdict.fail([`pid ${pids[0]} is a zombie`], 'Start flanctl up again.')
    return verdict.pass([`pid ${pids[0]}${state ? ` (state ${state})` : ''}`])
  },
  'agent.health': (s) => {
    const a = gathered(s.agent, 'agent')
    if ('reason' in a) return verdict.skip(a.reason)
    const {healthz, readyz} = a.value
    const stopped = a.value.pids.some((pid) => ['T', 't'].includes(a.value.states?.[String(pid)] ?? ''))
    if (healthz === undefined && stopped && s.options.healthzPort > 0) return verdict.warn(['the agent is stopped (agent.process): its health port was not asked'], `kill -CONT ${a.value.pids.join(' ')}`)
    if (healthz === undefined) return verdict.info(['--healthz-port 0: the agent serves no health checks (give diagnose the agent\'s --healthz-port)'])
    const show = (x: typeof healthz): string => `${x.url}: ${x.status ?? x.error}${x.body ? ` ${x.body.trim()}` : ''}`
    const evidence = [show(healthz), ...(readyz === undefined ? [] : [show(readyz)])]
    if (healthz.status !== 200 && stopped) return verdict.warn([...evidence, 'the agent is stopped (agent.process): it cannot answer'], `kill -CONT ${a.value.pids.join(' ')}`)
    if (healthz.status !== 200) return verdict.fail(evidence, 'The agent does not answer its health port: check its log, and that --healthz-ip/--healthz-port match the agent\'s.')
    if (readyz !== undefined && readyz.status !== 200) return verdict.warn(evidence, 'Not ready: the lease, rules or subnet.env are not in place yet; see the agent\'s log.')
    return verdict.pass(evidence)
  },
  'agent.report': (s) => {
    const a = gathered(s.agent, 'agent')
    if ('reason' in a) return verdict.skip(a.reason)
    const st = a.value.status as AgentReportView | undefined
    if (st === undefined) return verdict.info(['the agent serves no /status'])
    const evidence = [
      `state ${st.state ?? 'unknown'}, started ${st.startedAt ?? '?'}`,
      `etcd ${st.etcd?.reachable === false ? 'unreachable' : 'reachable'} since ${st.etcd?.since ?? '?'}`,
      `lease ${st.lease?.subnet ?? '?'}${st.lease?.reservation ? ' (reservation)' : `, expires ${st.lease?.expiresAt ?? '?'}, next renewal ${st.lease?.nextRenewalAt ?? '?'}`}`,
    ]
    for (const loop of ['routes', 'rules'] as const) {
      const l = st[loop]
      if (l !== undefined) evidence.push(`${loop}: ${l.passes} passes, ${l.failedPasses} failed${l.lastError ? `, last error: ${l.lastError}` : ''}`)
    }
    if (st.state === 'degraded') return verdict.warn(evidence, 'The agent is degraded: its log says why (it logs its state every 30 s while degraded).')
    return verdict.pass(evidence)
  },
}

/** The parts of the agent's /status (engine/agent-report.ts) this judge reads; anything may be missing from an older agent. */
interface AgentReportView {
  state?: string
  startedAt?: string
  etcd?: {reachable?: boolean; since?: string}
  lease?: {subnet?: string; reservation?: boolean; expiresAt?: string; nextRenewalAt?: string}
  routes?: {passes: number; failedPasses: number; lastError?: string}
  rules?: {passes: number; failedPasses: number; lastError?: string}
}
