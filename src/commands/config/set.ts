import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseView} from '../../cli/lease-view.js'
import {networkConfigFlags, networkConfigText} from '../../cli/network-config-flags.js'
import {networkConfigView, renderConfigSet, type ConfigSetView} from '../../cli/network-config-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {setNetworkConfig, validNetworkConfig} from '../../engine/set-network-config.js'

export default class ConfigSet extends FlanctlCommand<ConfigSetView> {
  static override summary = 'Validate the network config with flannel\'s rules, then write it to <prefix>/config.'
  static override description = 'Nothing is written when the config is invalid (exit 3). Prints the normalised config, how many subnets it holds, and the existing leases that would fall outside it.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> \'{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan"}}\'',
    '<%= config.bin %> <%= command.id %> --network 10.1.0.0/16 --subnet-len 24 --backend host-gw',
    '<%= config.bin %> <%= command.id %> --file net.json --dry-run --etcd-endpoints https://10.0.0.5:2379 --etcd-cafile ca.pem',
  ]

  static override args = {json: Args.string({description: 'The config JSON, e.g. {"Network":"10.1.0.0/16"}.', required: false})}

  static override flags = {
    ...networkConfigFlags,
    'dry-run': Flags.boolean({default: false, description: 'Validate and report, write nothing.'}),
    ...etcdFlags,
  }

  protected async execute(): Promise<ConfigSetView> {
    const {args, flags} = await this.parse(ConfigSet)
    const {text, source} = await networkConfigText(args.json, flags)
    validNetworkConfig(text, source) // an invalid config fails before any connection to etcd
    const outcome = await withStore(flags, (store) => setNetworkConfig({store, text, source, dryRun: flags['dry-run']}), this.argv)
    for (const warning of [...outcome.configWarnings, ...outcome.leaseWarnings]) this.addWarning(warning)
    if (outcome.leasesOutside.length > 0) {
      this.addWarning(`${outcome.leasesOutside.length} existing lease(s) fall outside the new config: ${outcome.leasesOutside.map((l) => l.key).join(', ')}`)
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
    }
  }

  protected render(result: ConfigSetView): string {
    return renderConfigSet(result)
  }
}
