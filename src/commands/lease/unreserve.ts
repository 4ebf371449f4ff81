import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {subnetArg} from '../../cli/subnet-arg.js'
import {unreserveSubnet} from '../../engine/lease-admin.js'

export interface LeaseUnreserveView {
  /** false when the subnet was not reserved (nothing changed) */
  unreserved: boolean
  lease: LeaseDetailView
}

export default defineCommand({
  summary: 'Turn a reservation back into an ordinary lease, which expires in 24 h unless its host renews it.',
  description: 'The key is kept, so a running agent that holds it goes on; to free the subnet at once use `lease release`.',
  examples: ['<%= config.bin %> <%= command.id %> 10.5.52.0/24'],
  args: {subnet: {description: 'The reserved subnet: 10.5.52.0/24 or 10.5.52.0-24.', required: true}},
  flags: etcdFlags,
  async run({args, flags, commandLine, warn}): Promise<LeaseUnreserveView> {
    const subnet = subnetArg(args.subnet)
    const {lease, wasReservation} = await withStore(flags, (store) => unreserveSubnet(store, subnet), commandLine)
    if (!wasReservation) warn(`${lease.key} is not a reservation; left as it is`)
    return {unreserved: wasReservation, lease: leaseDetailView(lease)}
  },
  render: (result, {paint}) => `${result.unreserved ? `Unreserved ${result.lease.subnet}: now an ordinary lease` : `${result.lease.subnet} was not reserved`}\n${renderLeaseDetail(result.lease, paint)}`,
})
