import {defineCommand} from '../../cli/command-definition.js'
import type {LabExecResult} from '../../lab/lab-exec.js'

export default defineCommand({
  summary: 'Run a command inside a lab host (h1..), container (c1..) or the switch (sw) namespace.',
  description: 'The command\'s own output is printed; flanctl exits with its exit code.',
  examples: [
    '<%= config.bin %> <%= command.id %> h1 -- ip -d link show flannel.1',
    '<%= config.bin %> <%= command.id %> c1 -- ping -c 3 198.18.2.2',
    '<%= config.bin %> <%= command.id %> sw -- etcdctl --endpoints http://203.0.113.1:2379 get --prefix /coreos.com/network',
  ],
  strict: false,
  args: {
    host: {description: 'h1, c1, sw, or a full namespace name.', required: true},
  },
  flags: {
    name: {type: 'string', description: 'Lab name.', default: 'lab'},
  },
  async run({args, argv, flags}): Promise<LabExecResult> {
    const {labExec} = await import('../../lab/lab-exec.js')
    const result = await labExec({name: flags.name, target: args.host, command: argv.slice(1)})
    process.exitCode = result.exitCode
    return result
  },
  render: () => '',
})
