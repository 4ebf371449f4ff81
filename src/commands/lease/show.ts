import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {leaseSelector} from '../../cli/subnet-arg.js'
import {findLease} from '../../engine/lease-admin.js'

export default defineCommand({
  summary: 'Show one lease, by subnet or by public IP, with its value in etcd and its time left.',
  examples: [
    '<%= config.bin %> <%= command.id %> 10.5.52.0/24',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11 --json',
  ],
  args: {subnet: {description: 'The lease\'s subnet: 10.5.52.0/24 or 10.5.52.0-24.'}},
  flags: {
    'public-ip': {type: 'string', description: 'Find the lease of this public IP instead.'},
    ...etcdFlags,
  },
  async run({args, flags, commandLine}): Promise<{lease: LeaseDetailView}> {
    const selector = leaseSelector(args.subnet, flags['public-ip'])
    const lease = await withStore(flags, (store) => findLease(store, selector), commandLine)
    return {lease: leaseDetailView(lease)}
  },
  render: (result, {paint}) => renderLeaseDetail(result.lease, paint),
})
