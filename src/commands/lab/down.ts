import {defineCommand} from '../../cli/command-definition.js'
import type {LabDownResult} from '../../lab/lab-down.js'
import {renderLabDown} from '../../cli/render-lab.js'

type LabDownView = Omit<LabDownResult, 'warnings'>

export default defineCommand({
  summary: 'Remove a lab: exactly its processes (by PID), its namespaces (flab-<name>-*), its temp dir and state; also after a crash.',
  examples: ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name gw --json'],
  flags: {
    name: {type: 'string', description: 'Lab name.', default: 'lab'},
  },
  async run({flags, warn}): Promise<LabDownView> {
    const {labDown} = await import('../../lab/lab-down.js')
    const {warnings, ...result} = await labDown({name: flags.name})
    for (const warning of warnings) warn(warning)
    return result
  },
  render: (result) => renderLabDown(result),
})
