// Step 1 of the agent, and what a diagnosis of the host will ask too: which interface and public IP this host uses,
// and which subnet it had at its last run. Neither needs etcd.
import {FlanctlError} from '../core/errors.js'
import {selectExternalInterface, type ExternalInterface} from '../core/external-interface.js'
import {formatIp4Net} from '../core/ip4.js'
import {parseSubnetEnv, previousSubnets} from '../core/subnet-env.js'
import type {Ip4Net} from '../core/types.js'
import type {AgentDeps, AgentOptions} from './agent-deps.js'

export interface PreparedHost {
  external: ExternalInterface
  /** FLANNEL_SUBNET of the previous subnet.env, host bits masked */
  previousSubnet?: Ip4Net
}

type HostDeps = Pick<AgentDeps, 'listInterfaces' | 'defaultRouteInterface' | 'readFile' | 'log'>

/** The external interface by flanneld's rules (--iface, --iface-regex, the default route); a bad --iface is E_USAGE. */
async function chooseInterface(options: Pick<AgentOptions, 'ifaces' | 'ifaceRegexes' | 'publicIp'>, deps: HostDeps): Promise<ExternalInterface> {
  // the default route only counts without --iface and --iface-regex: otherwise not asked (one `ip` run less)
  const needDefault = options.ifaces.length === 0 && options.ifaceRegexes.length === 0
  const [interfaces, defaultRouteInterface] = await Promise.all([deps.listInterfaces(), needDefault ? deps.defaultRouteInterface() : undefined])
  const chosen = selectExternalInterface({interfaces, defaultRouteInterface, iface: options.ifaces, ifaceRegex: options.ifaceRegexes, publicIp: options.publicIp})
  if (!chosen.ok) {
    throw new FlanctlError(chosen.error.code, chosen.error.message, {hint: 'Name the interface that reaches the other hosts with --iface (or FLANNELD_IFACE), by name or IP.'})
  }
  return chosen.value
}

/** FLANNEL_SUBNET of the last run, so a restart keeps its subnet even when its lease expired; unreadable: none. */
async function readPreviousSubnet(path: string, deps: HostDeps): Promise<Ip4Net | undefined> {
  const text = await deps.readFile(path).catch((error: Error) => {
    deps.log.warn('cannot read the previous subnet file', {path, error: error.message})
    return undefined
  })
  if (text === undefined) return undefined
  const vars = parseSubnetEnv(text, path)
  const subnets = vars.ok ? previousSubnets(vars.value, path) : vars
  if (!subnets.ok) {
    deps.log.warn('ignoring the previous subnet file', {path, error: subnets.error.message})
    return undefined
  }
  if (subnets.value.subnet !== undefined) deps.log.info('previous subnet', {path, subnet: formatIp4Net(subnets.value.subnet)})
  return subnets.value.subnet
}

export async function prepareHost(options: AgentOptions, deps: HostDeps): Promise<PreparedHost> {
  const [external, previousSubnet] = await Promise.all([chooseInterface(options, deps), readPreviousSubnet(options.subnetFile, deps)])
  return {external, previousSubnet}
}
