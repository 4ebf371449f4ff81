// oclif's command_not_found hook (package.json oclif.hooks): when oclif is asked for a command it
// does not know (`flanctl nope --help`, FLANCTL_NO_FAST_PATH=1), the same error as the start path's.
import type {Hook} from '@oclif/core/hooks'
import {reportUnknownCommand} from './unknown-command.js'

const hook: Hook.CommandNotFound = async function ({id, argv, config}) {
  reportUnknownCommand([...id.split(':'), ...(argv ?? [])], config.commandIDs.map((commandId) => commandId.replaceAll(':', ' ')))
}

export default hook
