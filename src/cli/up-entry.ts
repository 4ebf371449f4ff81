// The entry of the agent's bundle (scripts/build.js, agent-bundle.ts): `flanctl up` on the start
// path, from its words to the end, parsed by the one parser and run, all inside the bundle.
import upCommand from '../commands/up.js'
import type {CliInfo} from './command-definition.js'
import {runCommand} from './run-command.js'
import {runUp, type UpHooks} from './up-action.js'

export function runUpCommand(words: readonly string[], cli: CliInfo, hooks: UpHooks): Promise<void> {
  return runCommand({...upCommand, run: ({flags, commandLine}) => runUp(flags, commandLine, hooks)}, words, cli)
}
