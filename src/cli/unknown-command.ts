// An unknown command is a usage error in flanctl's own form, with the closest known command as a
// hint. The start path (main.ts) and oclif's command_not_found hook (command-not-found-hook.ts)
// both report it through here.
import {FlanctlError} from '../core/errors.js'
import {closestCommand} from './did-you-mean.js'
import {colourWanted, painter} from './painter.js'
import {jsonAsked, printFailure} from './run-command.js'

/** `words`: argv from the command's first word on; `ids`: every command id, words separated by spaces. */
export function unknownCommandError(words: readonly string[], ids: readonly string[]): FlanctlError {
  const firstFlag = words.findIndex((w) => w.startsWith('-'))
  const typed = (firstFlag === -1 ? words : words.slice(0, firstFlag)).slice(0, 2)
  const suggestion = closestCommand(typed, ids)
  return new FlanctlError('E_USAGE', `unknown command "${typed.length > 0 ? typed.join(' ') : words[0]}"`, {
    hint: suggestion === undefined ? 'See `flanctl help` for the commands.' : `Did you mean \`flanctl ${suggestion}\`? See \`flanctl help\` for the commands.`,
  })
}

export function reportUnknownCommand(words: readonly string[], ids: readonly string[]): void {
  printFailure(unknownCommandError(words, ids), {json: jsonAsked(words), paint: painter(colourWanted(words))})
}
