import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {networkConfigView, renderConfigGet, type ConfigGetView} from '../../cli/network-config-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {configWarnings} from '../../backends/network-config.js'
import {subnetCapacity} from '../../core/network-config.js'
import {readNetworkConfig} from '../../engine/read-network-config.js'

export default defineCommand({
  summary: 'Print the network config at <prefix>/config, as stored and as flannel reads it.',
  description: 'When the key is missing (exit 4) the error names the key it read and points at flannel configs under other prefixes, e.g. /atomic.io/network versus /coreos.com/network.',
  examples: [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --etcd-prefix /atomic.io/network --json',
  ],
  flags: etcdFlags,
  async run({flags, commandLine, warn}): Promise<ConfigGetView> {
    const read = await withStore(flags, readNetworkConfig, commandLine)
    for (const warning of configWarnings(read.config)) warn(warning)
    return {key: read.key, value: read.text, config: networkConfigView(read.config), capacity: subnetCapacity(read.config)}
  },
  render: (result, {paint}) => renderConfigGet(result, paint),
})
