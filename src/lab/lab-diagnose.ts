// `flanctl lab diagnose HOST`: flanctl diagnose inside the host's namespace with the flags its
// agent runs with (etcd, --iface, --subnet-file, --ip-masq, ...), plus any given after `--`.
import {runAttached} from '../adapters/netns/run-command.js'
import {FlanctlError} from '../core/errors.js'
import {flanctlEntry} from './agents.js'
import {labHost} from './lab-fault.js'
import {validateLabName} from './lab-name.js'
import {loadState} from './lab-state.js'

/** The agent's flags without those `extra` gives again (extra wins: `--etcd-prefix /other`). */
function withoutOverridden(agentFlags: readonly string[], extra: readonly string[]): string[] {
  const overridden = new Set(extra.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]))
  const out: string[] = []
  for (let i = 0; i < agentFlags.length; i++) {
    const arg = agentFlags[i]!
    const hasValue = i + 1 < agentFlags.length && !agentFlags[i + 1]!.startsWith('--') && !arg.includes('=')
    if (overridden.has(arg.split('=')[0])) {
      if (hasValue) i++
      continue
    }
    out.push(arg)
  }
  return out
}

/** The diagnose argv for a lab host: its agent's flags after `up`. */
export function diagnoseArgv(name: string, hostName: string, extra: readonly string[]): string[] {
  const state = loadState(name)
  const host = labHost(state, hostName)
  if (host.argv === undefined) throw new FlanctlError('E_USAGE', `host ${host.name} is made by hand: diagnose needs the flags of a flanctl agent`)
  const up = host.argv.indexOf('up')
  return ['ip', 'netns', 'exec', host.netns, process.execPath, flanctlEntry(), 'diagnose', ...withoutOverridden(host.argv.slice(up + 1), extra), ...extra]
}

export async function labDiagnose(options: {name: string; host: string; extra: readonly string[]}): Promise<{exitCode: number}> {
  validateLabName(options.name)
  return {exitCode: await runAttached(diagnoseArgv(options.name, options.host, options.extra))}
}
