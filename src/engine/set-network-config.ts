// `config set`: validate a network config with flannel's rules, report what it means (capacity,
// warnings, existing leases it would strand), and only then write it. An invalid config never
// reaches etcd.
import {FlanctlError} from '../core/errors.js'
import {compareIp4Nets} from '../core/ip4.js'
import {configChange, type ConfigChange} from '../backends/config-change.js'
import {configWarnings, decodeNetworkConfig} from '../backends/network-config.js'
import {subnetCapacity} from '../core/network-config.js'
import type {LeaseStore} from '../core/ports.js'
import {leaseFitsConfig} from '../core/subnet-choice.js'
import {configKey} from '../core/subnet-key.js'
import type {Lease, NetworkConfig} from '../core/types.js'

export interface SetNetworkConfigInput {
  store: LeaseStore
  /** the JSON text to write, exactly as it will be stored */
  text: string
  /** where the text came from, for messages: "argument", "--file cfg.json", "flags" */
  source: string
  dryRun: boolean
}

export interface SetNetworkConfigOutcome {
  key: string
  text: string
  config: NetworkConfig
  capacity: number
  configWarnings: string[]
  /** leases (and reservations) the new config does not allow: their owners move to a new subnet on restart */
  leasesOutside: Lease[]
  leaseWarnings: string[]
  /** the config that was there before, raw; undefined when there was none */
  previousText?: string
  /** what the new config means for the hosts that run the previous one */
  change: ConfigChange
  written: boolean
}

/** Checks the text against flannel's rules; throws E_INVALID_CONFIG naming the source. */
export function validNetworkConfig(text: string, source: string): NetworkConfig {
  const decoded = decodeNetworkConfig(text, source)
  if (!decoded.ok) {
    // the message starts with the source: "the JSON argument: SubnetLen must be less than /31"
    throw new FlanctlError('E_INVALID_CONFIG', `invalid network config from ${decoded.error.message}`, {
      hint: 'Nothing was written. See `flanctl config set --help` for the fields and an example.',
    })
  }
  return decoded.value
}

export async function setNetworkConfig(input: SetNetworkConfigInput): Promise<SetNetworkConfigOutcome> {
  const config = validNetworkConfig(input.text, input.source)
  const key = configKey(input.store.prefix)
  // Read before writing: the report is about the state the new config lands on.
  const [previousText, list] = await Promise.all([input.store.getConfig(), input.store.listLeases({withTtl: true})])
  const leasesOutside = list.leases.filter((lease) => !leaseFitsConfig(config, lease)).sort((a, b) => compareIp4Nets(a.subnet, b.subnet))
  const previous = previousText === undefined ? undefined : decodeNetworkConfig(previousText, 'the previous config')
  const change = configChange(previous?.ok === true ? previous.value : undefined, config, list.leases)
  if (!input.dryRun) await input.store.putConfig(input.text)
  return {
    key,
    text: input.text,
    config,
    capacity: subnetCapacity(config),
    configWarnings: configWarnings(config),
    leasesOutside,
    leaseWarnings: list.warnings,
    previousText,
    change,
    written: !input.dryRun,
  }
}
