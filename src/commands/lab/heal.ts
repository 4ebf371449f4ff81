import {defineCommand} from '../../cli/command-definition.js'
import type {FaultRecord} from '../../lab/lab-fault.js'

export default defineCommand({
  summary: 'Undo the faults `flanctl lab fault` injected (all, or one host\'s), last first.',
  examples: ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> h2 --name d1'],
  args: {host: {description: 'only this host\'s faults'}},
  flags: {name: {type: 'string', description: 'Lab name.', default: 'lab'}},
  async run({args, flags}): Promise<{healed: FaultRecord[]}> {
    const {labHeal} = await import('../../lab/lab-fault.js')
    return {healed: await labHeal({name: flags.name, host: args.host})}
  },
  render: (r) => (r.healed.length === 0 ? 'no faults to heal' : r.healed.map((f) => `${f.host}: ${f.kind} healed`).join('\n')),
})
