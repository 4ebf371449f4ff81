// Runs a command definition on the words after its id: the one parser, then its work, then the
// one printer (result or --json on stdout; warnings and errors on stderr, in the one painter's
// colours). Both the start path and the oclif Command class end here.
import type {FlanctlError} from '../core/errors.js'
import {commandFlags, type CliInfo, type CommandDefinition} from './command-definition.js'
import {checkFlagValues} from './flag-value-check.js'
import {goFlagArgv} from './go-flag-argv.js'
import {errorJson, errorText, jsonText, resultText, warningText} from './output.js'
import {colourWanted, painter, type Painter} from './painter.js'
import {parseArgv} from './parse-argv.js'
import {toFlanctlError} from './to-flanctl-error.js'

/** Before parsing, as oclif tells: --json among the words before any `--`. */
export function jsonAsked(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json')
}

export async function runCommand(definition: CommandDefinition<any, any, any>, words: readonly string[], cli: CliInfo): Promise<void> {
  const flagTable = commandFlags(definition)
  const commandLine = definition.flanneldSpellings ? goFlagArgv(words, flagTable) : [...words]
  const paint = painter(colourWanted(commandLine))
  let json = definition.json !== false && jsonAsked(commandLine)
  const warnings: string[] = []
  let parsed: ReturnType<typeof parseArgv> | undefined
  try {
    checkFlagValues(commandLine, flagTable, definition.flanneldSpellings)
    parsed = parseArgv({flags: flagTable, args: definition.args, strict: definition.strict}, commandLine)
    // the definition's own table typed these flags (CommandContext); this runner only passes them on
    const flags = parsed.flags as never
    json = parsed.flags.json === true
    const result = await definition.run({
      flags,
      args: parsed.args,
      argv: parsed.argv,
      commandLine,
      cli,
      warn(message: string) {
        warnings.push(message)
        if (!json) process.stderr.write(warningText(message, paint))
      },
    })
    process.stdout.write(json ? jsonText({...result, warnings}) : resultText(definition.render(result, {paint, flags})))
  } catch (err) {
    const error = toFlanctlError(err)
    if (parsed !== undefined && definition.reportFailure !== undefined) definition.reportFailure(error, parsed.flags as never, paint)
    else printFailure(error, {json, paint, warnings})
  }
}

/** A failure as flanctl prints it: `error [E_CODE] ...` and `hint:` on stderr, the JSON document on stdout under --json; its exit code. */
export function printFailure(error: FlanctlError, {json, paint, warnings = []}: {json: boolean; paint: Painter; warnings?: string[]}): void {
  process.exitCode = error.exitCode
  if (json) process.stdout.write(jsonText(errorJson(error, warnings)))
  process.stderr.write(errorText(error, paint))
}
