import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {leaseSelector} from '../../cli/subnet-arg.js'
import {renewLeaseNow} from '../../engine/lease-admin.js'

export interface LeaseRenewView {
  /** false for a reservation: it never expires and stays a reservation */
  renewed: boolean
  lease: LeaseDetailView
}

export default defineCommand({
  summary: 'Renew a lease now: the same value with a fresh 24 h etcd lease.',
  description: 'A reservation is left as it is (it never expires).',
  examples: [
    '<%= config.bin %> <%= command.id %> 10.5.52.0/24',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11',
  ],
  args: {subnet: {description: 'The lease\'s subnet: 10.5.52.0/24 or 10.5.52.0-24.'}},
  flags: {
    'public-ip': {type: 'string', description: 'Renew the lease of this public IP instead.'},
    ...etcdFlags,
  },
  async run({args, flags, commandLine, warn}): Promise<LeaseRenewView> {
    const selector = leaseSelector(args.subnet, flags['public-ip'])
    const {lease, wasReservation} = await withStore(flags, (store) => renewLeaseNow(store, selector), commandLine)
    if (wasReservation) warn(`${lease.key} is a reservation: it never expires, nothing to renew`)
    return {renewed: !wasReservation, lease: leaseDetailView(lease)}
  },
  render: (result, {paint}) => `${result.renewed ? `Renewed ${result.lease.subnet}` : `${result.lease.subnet} left as it is`}\n${renderLeaseDetail(result.lease, paint)}`,
})
