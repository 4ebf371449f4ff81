// `flanctl diagnose`'s flags: the agent's own (etcd, --iface, --public-ip, --subnet-file,
// --ip-masq, --healthz-*, ... each with its FLANNELD_* variable), so it sees what `flanctl up`
// with the same flags sees, and its own.
import type {DiagnoseInput} from '../engine/diagnose/diagnose-input.js'
import {agentFlags, agentOptionsFromFlags} from './agent-flags.js'
import {etcdFlags} from './etcd-flags.js'
import type {FlagTable, FlagValues} from './flag-spec.js'
import {storeOptionsFromFlags} from './store-from-flags.js'
import {FlanctlError} from '../core/errors.js'

const {'log-format': _logFormat, ...agentOnly} = agentFlags
const group = 'DIAGNOSE'

export const diagnoseFlags = {
  ...etcdFlags,
  ...agentOnly,
  peer: {type: 'string', description: 'Only this peer: its lease subnet (198.18.7.0/24) or its public IP.', helpGroup: group},
  probe: {type: 'boolean', description: 'Send probes (ping) to the peers; --no-probe to skip them.', default: true, allowNo: true, helpGroup: group},
  timeout: {type: 'integer', description: 'Seconds to wait for etcd, each probe and each HTTP call.', default: 3, min: 1, max: 120, helpGroup: group},
  fix: {type: 'boolean', description: 'Apply the safe fixes of state flanctl owns (ip_forward, flannel\'s own iptables chains, kernel entries the leases want), printing each command.', default: false, helpGroup: group},
  'dry-run': {type: 'boolean', description: 'With --fix: print the commands, run none.', default: false, helpGroup: group},
  'save-snapshot': {type: 'string', description: 'Also write everything gathered to this file as JSON (to attach to a bug report).', helpGroup: group},
  verbose: {type: 'boolean', char: 'v', description: 'Show passing checks and their evidence too.', default: false, helpGroup: group},
} as const satisfies FlagTable

export type DiagnoseFlagValues = FlagValues<typeof diagnoseFlags>

export async function diagnoseInput(flags: DiagnoseFlagValues, argv: readonly string[]): Promise<DiagnoseInput> {
  if (flags['dry-run'] && !flags.fix) throw new FlanctlError('E_USAGE', '--dry-run only goes with --fix', {hint: 'flanctl diagnose --fix --dry-run'})
  return {
    agent: agentOptionsFromFlags(flags),
    healthzIp: flags['healthz-ip'],
    healthzPort: flags['healthz-port'],
    store: await storeOptionsFromFlags(flags, argv),
    peer: flags.peer,
    probe: flags.probe,
    timeoutMs: flags.timeout * 1000,
  }
}
