// `flanctl lab exec HOST -- CMD`: runs a command in a lab namespace (h2, c2, sw or a full name).
import {FlanctlError} from '../core/errors.js'
import {listNetns} from '../adapters/netns/namespaces.js'
import {runAttached} from '../adapters/netns/run-command.js'
import {loadState} from './lab-state.js'
import {validateLabName} from './lab-name.js'
import {labPrefix, resolveTarget} from './topology.js'

export interface LabExecResult {
  name: string
  target: string
  netns: string
  command: string[]
  exitCode: number
}

export async function labExec(options: {name: string; target: string; command: string[]}): Promise<LabExecResult> {
  validateLabName(options.name)
  loadState(options.name) // a clear error when the lab does not exist
  if (options.command.length === 0) throw new FlanctlError('E_USAGE', 'no command given', {hint: 'flanctl lab exec h1 -- ip route'})
  const namespaces = (await listNetns()).filter((ns) => ns.startsWith(labPrefix(options.name)))
  const netns = resolveTarget(options.name, options.target, namespaces)
  if (netns === undefined) {
    const short = namespaces.map((ns) => ns.slice(labPrefix(options.name).length)).sort()
    throw new FlanctlError('E_NOT_FOUND', `lab "${options.name}" has no host or container "${options.target}"`, {hint: `Use one of: ${short.join(', ')}.`})
  }
  const exitCode = await runAttached(['ip', 'netns', 'exec', netns, ...options.command])
  return {name: options.name, target: options.target, netns, command: options.command, exitCode}
}
