import {defineCommand} from '../../cli/command-definition.js'
import type {LabStatusResult} from '../../lab/lab-status.js'
import {labNameFlag, renderLabStatus} from '../../cli/render-lab.js'

export default defineCommand({
  summary: 'Show a lab: hosts, subnets, agent and etcd PIDs alive, routes between hosts; --ping runs the container ping matrix.',
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
    return result
  },
  render: (result, {paint}) => renderLabStatus(result, paint),
})
