import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {hostIp4Arg, subnetArg} from '../../cli/subnet-arg.js'
import {reserveSubnet} from '../../engine/lease-admin.js'

export interface LeaseReserveView {
  /** true when the public IP's existing lease on that subnet became the reservation */
  converted: boolean
  lease: LeaseDetailView
}

export default defineCommand({
  summary: 'Reserve a subnet for a public IP: a lease key with no etcd lease, which never expires.',
  description: 'The agent on that public IP takes the reservation as its lease and it stays a reservation across restarts. An existing lease of that public IP on the subnet is converted; one of another host is a conflict (exit 8).',
  examples: ['<%= config.bin %> <%= command.id %> 10.5.52.0/24 --public-ip 192.0.2.11'],
  args: {subnet: {description: 'The subnet to reserve: 10.5.52.0/24 or 10.5.52.0-24.', required: true}},
  flags: {
    'public-ip': {type: 'string', description: 'The public IP the subnet is for.', required: true},
    ...etcdFlags,
  },
  async run({args, flags, commandLine, warn}): Promise<LeaseReserveView> {
    const subnet = subnetArg(args.subnet)
    const publicIp = hostIp4Arg(flags['public-ip'], '--public-ip')
    const outcome = await withStore(flags, (store) => reserveSubnet(store, subnet, publicIp), commandLine)
    for (const warning of outcome.warnings) warn(warning)
    return {converted: outcome.previous !== undefined, lease: leaseDetailView(outcome.lease)}
  },
  render: (result, {paint}) => `${result.converted ? 'Converted the lease into a reservation' : 'Reserved'}: ${result.lease.subnet} for ${result.lease.publicIp}\n${renderLeaseDetail(result.lease, paint)}`,
})
