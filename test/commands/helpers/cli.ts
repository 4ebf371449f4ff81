// Runs the built CLI (./bin/run.js, as a user would) and collects its exit code and output.
// The command tier tests the build: `npm test` builds before it runs this tier.
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  ms: number
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  input?: string
  cwd?: string
  /** kill after this long (a hang is a failure, not a timing assertion) */
  killAfterMs?: number
  /** run inside this network namespace (`ip netns exec`) */
  netns?: string
}

/** Fails early, with what to do, when there is no build; says so on stderr when it is older than the sources. */
export function assertBuilt(): void {
  const manifest = join(ROOT, 'oclif.manifest.json')
  if (!existsSync(manifest) || !existsSync(join(ROOT, 'dist', 'main.js'))) {
    throw new Error('the command tests run the built CLI: run `npm run build` first')
  }
  const built = statSync(manifest).mtimeMs
  const newer = newestSource(join(ROOT, 'src'))
  if (newer.mtimeMs > built) process.stderr.write(`# warning: ${newer.path} is newer than the build; failures may just mean \`npm run build\` is due\n`)
}

function newestSource(dir: string): {path: string; mtimeMs: number} {
  let newest = {path: dir, mtimeMs: 0}
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const stat = statSync(path)
    const candidate = stat.isDirectory() ? newestSource(path) : {path, mtimeMs: stat.mtimeMs}
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate
  }
  return newest
}

/** Environment for a run: no colour unless asked, no FLANNELD_* or DOCKER_OPT* leaking in from the caller. */
function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('FLANNELD_') || k.startsWith('FLANNEL_') || k.startsWith('DOCKER_OPT') || k === 'NO_COLOR' || k === 'FORCE_COLOR') continue
    env[k] = v
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const [command, argv] = options.netns === undefined ? [process.execPath, [BIN, ...args]] : ['ip', ['netns', 'exec', options.netns, process.execPath, BIN, ...args]]
    const child = spawn(command, argv, {cwd: options.cwd ?? ROOT, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started})
    })
    // a command that fails fast may exit before its stdin is written: EPIPE is not the test's failure
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
  })
}

/** Parses --json stdout, with the output in the message when it is not JSON. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}
