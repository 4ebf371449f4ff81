import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import type {LabDownResult} from '../../lab/lab-down.js'
import {renderLabDown} from '../../cli/render-lab.js'

type LabDownView = Omit<LabDownResult, 'warnings'>

export default class LabDown extends FlanctlCommand<LabDownView> {
  static override summary = 'Remove a lab: exactly its processes (by PID), its namespaces (flab-<name>-*), its temp dir and state; also after a crash.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name gw --json']

  static override flags = {
    name: Flags.string({description: 'Lab name.', default: 'lab'}),
  }

  protected async execute(): Promise<LabDownView> {
    const {flags} = await this.parse(LabDown)
    const {labDown} = await import('../../lab/lab-down.js')
    const {warnings, ...result} = await labDown({name: flags.name})
    for (const warning of warnings) this.addWarning(warning)
    return result
  }

  protected render(result: LabDownView): string {
    return renderLabDown(result)
  }
}
