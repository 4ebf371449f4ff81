import {defineCommand} from '../../cli/command-definition.js'

export default defineCommand({
  summary: 'Run `flanctl diagnose` inside a lab host with its agent\'s flags (etcd, --iface, --subnet-file, --ip-masq); more diagnose flags after `--`.',
  description: 'diagnose\'s own output is printed; flanctl exits with its exit code.',
  examples: ['<%= config.bin %> <%= command.id %> h1', '<%= config.bin %> <%= command.id %> h2 --name d1 -- --json -v'],
  strict: false,
  json: false,
  args: {host: {description: 'h1, h2, ...', required: true}},
  flags: {name: {type: 'string', description: 'Lab name.', default: 'lab'}},
  async run({args, argv, flags}): Promise<{exitCode: number}> {
    const {labDiagnose} = await import('../../lab/lab-diagnose.js')
    const result = await labDiagnose({name: flags.name, host: args.host, extra: argv.slice(1)})
    process.exitCode = result.exitCode
    return result
  },
  render: () => '',
})
