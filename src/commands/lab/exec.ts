import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import type {LabExecResult} from '../../lab/lab-exec.js'

export default class LabExec extends FlanctlCommand<LabExecResult> {
  static override summary = 'Run a command inside a lab host (h1..), container (c1..) or the switch (sw) namespace.'
  static override description = 'The command\'s own output is printed; flanctl exits with its exit code.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> h1 -- ip -d link show flannel.1',
    '<%= config.bin %> <%= command.id %> c1 -- ping -c 3 198.18.2.2',
    '<%= config.bin %> <%= command.id %> sw -- etcdctl --endpoints http://203.0.113.1:2379 get --prefix /coreos.com/network',
  ]

  static override strict = false
  static override args = {
    host: Args.string({description: 'h1, c1, sw, or a full namespace name.', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'Lab name.', default: 'lab'}),
  }

  protected async execute(): Promise<LabExecResult> {
    const {args, argv, flags} = await this.parse(LabExec)
    const {labExec} = await import('../../lab/lab-exec.js')
    const command = (argv as string[]).slice(1)
    const result = await labExec({name: flags.name, target: args.host, command})
    process.exitCode = result.exitCode
    return result
  }

  protected render(): string {
    return ''
  }
}
