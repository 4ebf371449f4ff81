import {defineCommand} from '../../cli/command-definition.js'
import type {LabStatusResult} from '../../lab/lab-status.js'
import {labNameFlag, renderLabStatus} from '../../cli/render-lab.js'

export default defineCommand({
  summary: 'Show a lab: hosts, subnets, agent and etcd PIDs alive, routes between hosts; --ping runs the container ping matrix (small and full-size DF pings; exit 10 when a pair fails).',
  examples: ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name gw --ping --json'],
  flags: {
    name: {type: 'string', description: 'Lab name.', default: 'lab'},
    ping: {type: 'boolean', description: 'Ping every container from every other.', default: false},
  },
  async run({flags, warn}): Promise<LabStatusResult> {
    const {labStatus} = await import('../../lab/lab-status.js')
    const result = await labStatus({name: flags.name, ping: flags.ping})
    for (const host of result.hosts) if (host.agent === 'flanctl' && !host.alive) warn(`flanctl up on ${host.name} is not running; see ${host.logFile}`)
    for (const name of result.restartedByHand) warn(`the agent of ${name} was restarted outside the lab: now following pid ${result.hosts.find((h) => h.name === name)?.pid}`)
    for (const stale of result.staleBackends) warn(`${stale.host} still holds a ${stale.leaseBackend} lease while the config says ${result.liveConfig.backend}: restart its agent (flanctl lab restart ${stale.host}${labNameFlag(result.name)})`)
    for (const member of result.etcd) if (!member.alive) warn(`etcd member ${member.member} (${member.clientUrl}) is not running`)
    const failing = result.matrix?.pairs.filter((p) => !p.ok || p.fullSize === false) ?? []
    if (failing.length > 0) {
      warn(`${failing.length} of ${result.matrix!.total} container pairs fail (${failing.map((p) => `${p.from}->${p.to}${p.ok ? ' full-size' : ''}`).join(', ')}); try \`flanctl lab diagnose ${failing[0]!.from}\``)
      process.exitCode = 10
    }
    return result
  },
  render: (result, {paint}) => renderLabStatus(result, paint),
})
