import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import type {LabStatusResult} from '../../lab/lab-status.js'
import {renderLabStatus} from '../../cli/render-lab.js'

export default class LabStatus extends FlanctlCommand<LabStatusResult> {
  static override summary = 'Show a lab: hosts, subnets, agent and etcd PIDs alive, routes between hosts; --ping runs the container ping matrix.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name gw --ping --json']

  static override flags = {
    name: Flags.string({description: 'Lab name.', default: 'lab'}),
    ping: Flags.boolean({description: 'Ping every container from every other.', default: false}),
  }

  protected async execute(): Promise<LabStatusResult> {
    const {flags} = await this.parse(LabStatus)
    const {labStatus} = await import('../../lab/lab-status.js')
    const result = await labStatus({name: flags.name, ping: flags.ping})
    for (const host of result.hosts) if (host.agent === 'flanctl' && !host.alive) this.addWarning(`flanctl up on ${host.name} is not running; see ${host.logFile}`)
    for (const member of result.etcd) if (!member.alive) this.addWarning(`etcd member ${member.member} (${member.clientUrl}) is not running`)
    return result
  }

  protected render(result: LabStatusResult): string {
    return renderLabStatus(result)
  }
}
