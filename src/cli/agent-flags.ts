// The flags of `flanctl up`, named and defaulted as flanneld's, each also read from its
// FLANNELD_* variable when not on the command line. The etcd ones are shared (etcd-flags.ts).
import {DEFAULT_RENEW_MARGIN_MINUTES} from '../engine/lease-keeper.js'
import {LOG_FORMATS} from '../adapters/log/logger.js'
import {DEFAULT_SUBNET_FILE} from '../core/subnet-env.js'
import type {AgentOptions} from '../engine/agent-deps.js'
import type {FlagTable, FlagValues} from './flag-spec.js'

const group = 'AGENT'

export const agentFlags = {
  iface: {type: 'string', description: 'Interface to use for traffic between hosts, by name or IPv4 address; repeatable: the first that exists wins. Default: the interface of the default route.', multiple: true, env: 'FLANNELD_IFACE', helpGroup: group},
  'iface-regex': {type: 'string', description: 'Regex matched against IPv4 addresses, then interface names, to pick the interface (when no --iface); repeatable.', multiple: true, env: 'FLANNELD_IFACE_REGEX', helpGroup: group},
  'public-ip': {type: 'string', description: 'IPv4 address other hosts reach this one at (behind NAT); default: the interface\'s address.', env: 'FLANNELD_PUBLIC_IP', helpGroup: group},
  'subnet-file': {type: 'string', description: 'Where to write the subnet env file.', default: DEFAULT_SUBNET_FILE, env: 'FLANNELD_SUBNET_FILE', helpGroup: group},
  'ip-masq': {type: 'boolean', description: 'Masquerade traffic leaving the overlay network (nat chain FLANNEL-POSTRTG).', allowNo: true, env: 'FLANNELD_IP_MASQ', helpGroup: group},
  'subnet-lease-renew-margin': {type: 'integer', description: 'Renew the lease this many minutes before it expires (1..1439).', default: DEFAULT_RENEW_MARGIN_MINUTES, min: 1, max: 1439, env: 'FLANNELD_SUBNET_LEASE_RENEW_MARGIN', helpGroup: group},
  'iptables-resync': {type: 'integer', description: 'Re-check the iptables rules every this many seconds.', default: 5, min: 1, env: 'FLANNELD_IPTABLES_RESYNC', helpGroup: group},
  'iptables-forward-rules': {type: 'boolean', description: 'Accept forwarded traffic of the network (filter chain FLANNEL-FWD); --no-iptables-forward-rules to leave FORWARD alone.', default: true, allowNo: true, env: 'FLANNELD_IPTABLES_FORWARD_RULES', helpGroup: group},
  'healthz-ip': {type: 'string', description: 'Address the health server listens on.', default: '0.0.0.0', env: 'FLANNELD_HEALTHZ_IP', helpGroup: group},
  'healthz-port': {type: 'integer', description: 'Port of the health server (GET /healthz, /readyz, /status); 0: none.', default: 0, min: 0, max: 65_535, env: 'FLANNELD_HEALTHZ_PORT', helpGroup: group},
  'log-format': {type: 'option', description: 'Log lines on stderr: plain for people, json for machines.', options: LOG_FORMATS, default: 'plain', env: 'FLANNELD_LOG_FORMAT', helpGroup: group},
} as const satisfies FlagTable

/**
 * A repeatable flag's values as a list. From the environment the parser gives one string; for
 * FLANNELD_IFACE a comma-separated list is also accepted (names and IPs never contain commas;
 * regexes can, so --iface-regex is never split).
 */
export function flagList(value: string | string[] | undefined, splitCommas = false): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value]
  return (splitCommas ? values.flatMap((v) => v.split(',')) : values).map((v) => v.trim()).filter((v) => v !== '')
}

/** The agent's options from its flags: what `up` runs with and what `diagnose` judges by. */
export function agentOptionsFromFlags(flags: Omit<FlagValues<typeof agentFlags>, 'log-format'>): AgentOptions {
  return {
    subnetFile: flags['subnet-file'],
    ifaces: flagList(flags.iface, true),
    ifaceRegexes: flagList(flags['iface-regex']),
    publicIp: flags['public-ip'],
    ipMasq: flags['ip-masq'] ?? false,
    renewMarginMinutes: flags['subnet-lease-renew-margin'],
    iptablesResyncSeconds: flags['iptables-resync'],
    iptablesForwardRules: flags['iptables-forward-rules'],
  }
}
