import {mixedBackendsWarning} from '../../backends/config-change.js'
import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseView, renderLeaseTable, type LeaseView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {compareIp4Nets} from '../../core/ip4.js'

export interface SubnetsListView {
  prefix: string
  leases: LeaseView[]
}

export default defineCommand({
  summary: 'List every lease: subnet, public IP, backend, VtepMAC, and time left or `reservation`.',
  description: 'Keys or values under <prefix>/subnets that do not parse are listed as warnings (on stderr, and in `warnings` with --json); they never stop the listing.',
  examples: [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -o wide',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.leases[] | select(.reservation) | .subnet\'',
  ],
  aliases: ['subnets list'],
  flags: {
    output: {type: 'option', char: 'o', description: 'Table layout: wide adds VNI, IPv6, etcd lease id and key.', options: ['table', 'wide'], default: 'table'},
    ...etcdFlags,
  },
  async run({flags, commandLine, warn}): Promise<SubnetsListView> {
    const list = await withStore(flags, async (store) => ({prefix: store.prefix, ...(await store.listLeases({withTtl: true}))}), commandLine)
    for (const warning of list.warnings) warn(warning)
    const mixed = mixedBackendsWarning(list.leases)
    if (mixed !== undefined) warn(mixed)
    const leases = [...list.leases].sort((a, b) => compareIp4Nets(a.subnet, b.subnet))
    return {prefix: list.prefix, leases: leases.map(leaseView)}
  },
  render: (result, {paint, flags}) => (result.leases.length === 0 ? `No leases under ${result.prefix}/subnets.` : renderLeaseTable(result.leases, paint, flags.output === 'wide')),
})
