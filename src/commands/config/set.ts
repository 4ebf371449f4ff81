import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseView} from '../../cli/lease-view.js'
import {networkConfigFlags, networkConfigText} from '../../cli/network-config-flags.js'
import {configChangeView, networkConfigView, renderConfigSet, type ConfigSetView} from '../../cli/network-config-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {setNetworkConfig, validNetworkConfig} from '../../engine/set-network-config.js'

export default defineCommand({
  summary: 'Validate the network config with flannel\'s rules, then write it to <prefix>/config.',
  description: 'Nothing is written when the config is invalid (exit 3). Prints the normalised config, how many subnets it holds, and the existing leases that would fall outside it.',
  examples: [
    '<%= config.bin %> <%= command.id %> \'{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan"}}\'',
    '<%= config.bin %> <%= command.id %> --network 10.1.0.0/16 --subnet-len 24 --backend host-gw',
    '<%= config.bin %> <%= command.id %> --file net.json --dry-run --etcd-endpoints https://10.0.0.5:2379 --etcd-cafile ca.pem',
  ],
  args: {json: {description: 'The config JSON, e.g. {"Network":"10.1.0.0/16"}.'}},
  flags: {
    ...networkConfigFlags,
    'dry-run': {type: 'boolean', default: false, description: 'Validate and report, write nothing.'},
    ...etcdFlags,
  },
  async run({args, flags, commandLine, warn}): Promise<ConfigSetView> {
    const {text, source} = await networkConfigText(args.json, flags)
    validNetworkConfig(text, source) // an invalid config fails before any connection to etcd
    const outcome = await withStore(flags, (store) => setNetworkConfig({store, text, source, dryRun: flags['dry-run']}), commandLine)
    for (const warning of [...outcome.configWarnings, ...outcome.leaseWarnings]) warn(warning)
    if (outcome.leasesOutside.length > 0) {
      warn(`${outcome.leasesOutside.length} existing lease(s) fall outside the new config: ${outcome.leasesOutside.map((l) => l.key).join(', ')}`)
    }
    return {
      key: outcome.key,
      dryRun: flags['dry-run'],
      written: outcome.written,
      value: outcome.text,
      previousValue: outcome.previousText ?? null,
      config: networkConfigView(outcome.config),
      capacity: outcome.capacity,
      leasesOutside: outcome.leasesOutside.map(leaseView),
      change: configChangeView(outcome.change),
    }
  },
  render: (result, {paint}) => renderConfigSet(result, paint),
})
