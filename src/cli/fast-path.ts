// Two invocations must start within 2.5x a bare `node -e 0`: `flanctl --version` and
// `flanctl docker-opts` (docker's unit runs it at every start). Loading oclif alone costs more
// than that (about 120 CommonJS modules: config, plugin loader, help, globbing), so bin/run.js
// asks this module first. It answers --version with oclif's own version string, and runs the
// commands listed in FAST_COMMANDS with their flags parsed by node's util.parseArgs from the
// definitions in oclif.manifest.json (the oclif command stays the one source of flags). Anything
// it is not certain to parse exactly as oclif would (--help, unknown or repeated flags, values
// that look like flags, positional arguments) it hands back to oclif, which also prints the errors.
// `flanctl up` has a path of its own (up-fast-path.ts): oclif's parser without its Command class.
import {readFileSync} from 'node:fs'
import {release} from 'node:os'
import {join} from 'node:path'
import {parseArgs, type ParseArgsConfig} from 'node:util'
import type {CommandAction} from './command-action.js'
import type {Painter} from './output.js'

type AnyAction = CommandAction<Record<string, unknown>, object>

const FAST_COMMANDS: Record<string, () => Promise<AnyAction>> = {
  'docker-opts': async () => (await import('./docker-opts-action.js')).dockerOptsAction as unknown as AnyAction,
}

/** The flag fields of oclif.manifest.json this parser understands. */
interface ManifestFlag {
  name: string
  type: 'boolean' | 'option'
  char?: string
  default?: unknown
  multiple?: boolean
  allowNo?: boolean
  env?: string
  options?: string[]
  required?: boolean
  exclusive?: string[]
  dependsOn?: string[]
  relationships?: unknown[]
  exactlyOne?: string[]
  combinable?: string[]
}

interface ManifestCommand {
  args?: Record<string, unknown>
  flags: Record<string, ManifestFlag>
  strict?: boolean
  enableJsonFlag?: boolean
}

/** Handles argv when it can; false means "run oclif". `root` is the package directory. */
export async function fastPath(argv: readonly string[], root: string): Promise<boolean> {
  if (process.env.FLANCTL_NO_FAST_PATH === '1' || argv.length === 0) return false
  if (argv[0].startsWith('-')) return printVersion(root, argv[0])
  if (argv[0] === 'up') return (await import('./up-fast-path.js')).upFastPath(argv.slice(1))
  const load = FAST_COMMANDS[argv[0]]
  if (load === undefined) return false
  const spec = readManifestCommand(root, argv[0])
  const flags = spec === undefined ? undefined : parseFlags(spec, argv.slice(1))
  if (flags === undefined) return false
  await runAction(await load(), flags, argv.slice(1))
  return true
}

/** oclif's answer to --version (or its additionalVersionFlags) as the first argument: config.userAgent. */
function printVersion(root: string, flag: string): boolean {
  // oclif says "wsl" instead of "linux" under WSL; leave that case to it
  if (process.platform !== 'linux' || /microsoft/i.test(release())) return false
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {name: string; version?: string; oclif?: {additionalVersionFlags?: string[]}}
  if (flag !== '--version' && !(pjson.oclif?.additionalVersionFlags ?? []).includes(flag)) return false
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  process.stdout.write(`${pjson.name}/${pjson.version ?? '0.0.0'} ${process.platform}-${arch} node-${process.version}\n`)
  return true
}

function readManifestCommand(root: string, id: string): ManifestCommand | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {commands?: Record<string, ManifestCommand>}
    return manifest.commands?.[id]
  } catch {
    return undefined
  }
}

/** The flags as oclif would give them, or undefined when oclif should parse (or reject) argv. */
export function parseFlags(spec: ManifestCommand, argv: readonly string[]): Record<string, unknown> | undefined {
  if (spec.strict === false || Object.keys(spec.args ?? {}).length > 0) return undefined
  const flagSpecs = Object.values(spec.flags)
  const constrained = (f: ManifestFlag) =>
    f.allowNo || f.required || f.exclusive?.length || f.dependsOn?.length || f.relationships?.length || f.exactlyOne?.length || f.combinable?.length
  if (flagSpecs.some(constrained)) return undefined
  // parseArgs would read "-d --json" as the value "--json"; oclif would not
  for (let i = 0; i < argv.length; i++) if (argv[i] === '--' || argv[i] === '-') return undefined

  const options: NonNullable<ParseArgsConfig['options']> = {}
  for (const f of flagSpecs) {
    options[f.name] = {type: f.type === 'boolean' ? 'boolean' : 'string', multiple: f.multiple === true, ...(f.char ? {short: f.char} : {})}
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({args: [...argv], options, strict: true, allowPositionals: false, tokens: true})
  } catch {
    return undefined
  }
  const seen = new Set<string>()
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue
    const f = spec.flags[token.name]
    // repeated single-value flags, and values that start with "-", are oclif's to judge
    if (!f.multiple && seen.has(token.name)) return undefined
    seen.add(token.name)
    if (token.value !== undefined && token.value.startsWith('-') && !token.inlineValue) return undefined
  }
  const flags: Record<string, unknown> = {}
  for (const f of flagSpecs) {
    let value: unknown = parsed.values[f.name]
    if (value === undefined && f.env !== undefined && process.env[f.env]) {
      if (f.type === 'boolean' || f.multiple) return undefined
      value = process.env[f.env]
    }
    if (value === undefined) value = f.default ?? (f.type === 'boolean' ? false : undefined)
    if (f.options !== undefined && value !== undefined) {
      const values = Array.isArray(value) ? value : [value]
      if (!values.every((v) => f.options!.includes(String(v)))) return undefined
    }
    if (value !== undefined) flags[f.name] = value
  }
  return flags
}

/** Runs an action and prints as FlanctlCommand does: result or --json on stdout, the rest on stderr. */
async function runAction(action: AnyAction, flags: Record<string, unknown>, argv: readonly string[]): Promise<void> {
  const json = flags.json === true
  const warnings: string[] = []
  const output = await import('./output.js')
  // the same choice as FlanctlCommand.init (stdout decides), with chalk's own level detection
  const painter = (): Promise<Painter> => output.painterFor(argv)
  const pending: string[] = []
  try {
    const result = await action.run(flags, {
      addWarning: (message) => {
        warnings.push(message)
        if (!json) pending.push(message)
      },
    })
    if (pending.length > 0) {
      const paint = await painter()
      for (const message of pending) process.stderr.write(output.warningText(message, paint))
    }
    if (json) {
      process.stdout.write(output.jsonText({...result, warnings}))
    } else {
      const text = action.render(result)
      if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
  } catch (err) {
    const {FlanctlError} = await import('../core/errors.js')
    const error = err instanceof FlanctlError ? err : new FlanctlError('E_INTERNAL', err instanceof Error ? err.message : String(err), {cause: err})
    process.exitCode = error.exitCode
    if (json) process.stdout.write(output.jsonText(output.errorJson(error, warnings)))
    process.stderr.write(output.errorText(error, await painter()))
  }
}
