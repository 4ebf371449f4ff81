// `flanctl up` in a host namespace: started detached with flanneld's flags, logging to a file in
// the lab dir, stopped only by its PID after checking its command line names that host's files.
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'
import {FlanctlError} from '../core/errors.js'
import {isRunning, spawnDetached, stopProcess, type StopOutcome} from '../adapters/netns/processes.js'
import type {LabHost, LabState} from './lab-state.js'
import {LAB_HEALTHZ_PORT} from './topology.js'

/** The repository (or installed package) root: the nearest directory above this module with a package.json (src/lab/ from the sources; dist/chunks/ in the build). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/** bin/run.js, after checking the build has the `up` command. */
export function flanctlEntry(root = packageRoot()): string {
  const entry = join(root, 'bin', 'run.js')
  if (!existsSync(join(root, 'dist', 'commands', 'up.js'))) {
    throw new FlanctlError('E_SYSTEM', `flanctl is not built: ${join(root, 'dist', 'commands', 'up.js')} is missing, so \`flanctl up\` cannot run in the lab hosts`, {
      hint: `Run \`npm run build\` in ${root}, or use --agent manual for hosts programmed by hand.`,
    })
  }
  return entry
}

export function agentArgv(state: LabState, host: LabHost, entry: string, extraArgs: readonly string[] = []): string[] {
  return [
    'ip', 'netns', 'exec', host.netns,
    process.execPath, entry, 'up',
    '--etcd-endpoints', state.etcdEndpoints.join(','),
    '--etcd-prefix', state.etcdPrefix,
    '--iface', host.iface,
    '--subnet-file', host.subnetFile,
    '--ip-masq',
    // the lab's health port unless the caller picks one
    ...(extraArgs.some((a) => a.split('=')[0] === '--healthz-port') ? [] : ['--healthz-port', String(LAB_HEALTHZ_PORT)]),
    ...extraArgs,
  ]
}

/** Environment for the agent: none of the caller's FLANNELD_* settings leak into a lab host. */
function agentEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('FLANNELD_') && key !== 'NOTIFY_SOCKET') env[key] = value
  }
  env.NO_COLOR = '1'
  return env
}

export function startAgent(host: LabHost): number {
  if (host.argv === undefined) throw new FlanctlError('E_INTERNAL', `host ${host.name} has no agent command line`)
  const pid = spawnDetached({argv: host.argv, logFile: host.logFile, env: agentEnv(), replaceEnv: true})
  host.pid = pid
  return pid
}

/** Marker in the agent's command line that only this lab host uses. */
function agentMarker(host: LabHost): string {
  return host.subnetFile
}

export function agentAlive(host: LabHost): boolean {
  return host.pid !== undefined && isRunning(host.pid, agentMarker(host))
}

export async function stopAgent(host: LabHost, signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
  if (host.pid === undefined) return 'gone'
  const outcome = await stopProcess(host.pid, agentMarker(host), {signal})
  if (outcome !== 'not-ours') host.pid = undefined
  return outcome
}
