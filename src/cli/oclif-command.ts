// The oclif Command class of a command definition: its help texts, and oclif Flags and Args
// derived from its tables, for help, the manifest and completion. Run through oclif
// (FLANCTL_NO_FAST_PATH=1), it does what the start path does: runCommand.
import {Command} from '@oclif/core/command'
import {commandFlags, type CommandDefinition} from './command-definition.js'
import {oclifArgs, oclifFlags} from './oclif-flags.js'
import {runCommand} from './run-command.js'

export function oclifCommand(definition: CommandDefinition<any, any, any>): typeof Command {
  return class extends Command {
    static override summary = definition.summary
    static override description = definition.description
    static override examples = definition.examples
    static override aliases = definition.aliases ?? []
    static override strict = definition.strict !== false
    static override flags = oclifFlags(commandFlags(definition))
    static override args = oclifArgs(definition.args)

    async run(): Promise<void> {
      await runCommand(definition, this.argv, {name: this.config.name, version: this.config.version})
    }
  }
}
