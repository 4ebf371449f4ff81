// The start path (bin/run.js): every command runs from here without oclif, its flags parsed by
// the one parser (parse-argv.ts), and only the command's own modules are loaded. oclif runs for
// what it alone does: help (--help, -h, a topic alone; `help X` is `X --help`), shell completion
// (`autocomplete`, @oclif/plugin-autocomplete), and, with FLANCTL_NO_FAST_PATH=1, every command
// through its oclif Command class (to check the two ways agree). --version prints oclif's line.
// `up` runs from the agent's own bundle (agent-bundle.ts), its flags parsed there.
import {readFileSync} from 'node:fs'
import {COMMANDS} from 'flanctl:commands'
import type {CliInfo} from './command-definition.js'
import {userAgent} from './user-agent.js'

const HELP_FLAGS = new Set(['--help', '-h'])

/** `bin`: the URL of bin/run.js, which oclif finds the package from. */
export async function main(argv: readonly string[], bin: string): Promise<void> {
  if (oclifAnswers(argv)) {
    const {execute} = await import('@oclif/core/execute')
    await execute({dir: bin, args: argv[0] === 'help' ? [...argv.slice(1), '--help'] : [...argv]})
    return
  }
  const cli = JSON.parse(readFileSync(new URL('../package.json', bin), 'utf8')) as CliInfo
  if (argv[0] === '--version') {
    process.stdout.write(`${userAgent(cli)}\n`)
    return
  }
  const id = commandId(argv, Object.keys(COMMANDS)) ?? aliasedId(argv, bin)
  if (id === undefined) {
    const {reportUnknownCommand} = await import('./unknown-command.js')
    return reportUnknownCommand(argv, [...Object.keys(COMMANDS), 'help', 'autocomplete'])
  }
  if (id.id === 'up') {
    // the agent, from its own bundle with a code cache (agent-bundle.ts)
    const {loadAgentBundle} = await import('./agent-bundle.js')
    let bundle: ReturnType<typeof loadAgentBundle>
    try {
      bundle = loadAgentBundle()
    } catch (error) {
      const [{printFailure}, {colourWanted, painter}, {toFlanctlError}] = await Promise.all([import('./run-command.js'), import('./painter.js'), import('./to-flanctl-error.js')])
      return printFailure(toFlanctlError(error), {json: false, paint: painter(colourWanted(argv))})
    }
    return bundle.runUpCommand(argv.slice(id.words), cli)
  }
  const [{default: definition}, {runCommand}] = await Promise.all([COMMANDS[id.id](), import('./run-command.js')])
  await runCommand(definition, argv.slice(id.words), cli)
}

function oclifAnswers(argv: readonly string[]): boolean {
  if (process.env.FLANCTL_NO_FAST_PATH === '1' || argv.length === 0 || argv[0] === 'help' || argv[0] === 'autocomplete') return true
  const end = argv.indexOf('--')
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => HELP_FLAGS.has(arg))) return true
  // a topic alone (`flanctl lease`): oclif lists its commands
  const topicAlone = argv.length === 1 || argv[1].startsWith('-')
  return topicAlone && Object.keys(COMMANDS).some((id) => id.startsWith(`${argv[0]} `))
}

/** The longest command id that argv starts with, and how many words it has. */
function commandId(argv: readonly string[], ids: readonly string[]): {id: string; words: number} | undefined {
  for (const words of [2, 1]) {
    const id = argv.slice(0, words).join(' ')
    if (argv.length >= words && ids.includes(id)) return {id, words}
  }
  return undefined
}

/** Aliases are in oclif's manifest, read only when argv names no command id. */
function aliasedId(argv: readonly string[], bin: string): {id: string; words: number} | undefined {
  const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', bin), 'utf8')) as {commands: Record<string, {aliases?: string[]}>}
  const commands = Object.entries(manifest.commands)
  const aliases = commands.flatMap(([id, c]) => (c.aliases ?? []).map((alias) => ({alias: alias.replaceAll(':', ' '), id: id.replaceAll(':', ' ')})))
  const found = commandId(argv, aliases.map((a) => a.alias))
  return found && {id: aliases.find((a) => a.alias === found.id)!.id, words: found.words}
}
