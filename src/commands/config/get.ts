import {FlanctlCommand} from '../../cli/base-command.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {networkConfigView, renderConfigGet, type ConfigGetView} from '../../cli/network-config-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {configWarnings} from '../../backends/network-config.js'
import {subnetCapacity} from '../../core/network-config.js'
import {readNetworkConfig} from '../../engine/read-network-config.js'

export default class ConfigGet extends FlanctlCommand<ConfigGetView> {
  static override summary = 'Print the network config at <prefix>/config, as stored and as flannel reads it.'
  static override description = 'When the key is missing (exit 4) the error names the key it read and points at flannel configs under other prefixes, e.g. /atomic.io/network versus /coreos.com/network.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --etcd-prefix /atomic.io/network --json',
  ]

  static override flags = {...etcdFlags}

  protected async execute(): Promise<ConfigGetView> {
    const {flags} = await this.parse(ConfigGet)
    const read = await withStore(flags, readNetworkConfig, this.argv)
    for (const warning of configWarnings(read.config)) this.addWarning(warning)
    return {key: read.key, value: read.text, config: networkConfigView(read.config), capacity: subnetCapacity(read.config)}
  }

  protected render(result: ConfigGetView): string {
    return renderConfigGet(result)
  }
}
