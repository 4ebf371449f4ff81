import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {leaseSelector} from '../../cli/subnet-arg.js'
import {releaseLease} from '../../engine/lease-admin.js'

/** released: null when the key held a malformed value (deleted all the same; see the warning) */
export interface LeaseReleased {
  released: LeaseDetailView | null
  key: string
}

export default defineCommand({
  summary: 'Delete a lease (or a reservation) from etcd, freeing its subnet.',
  description: 'A running agent that holds the lease stops when its lease is deleted; release the leases of hosts that are gone.',
  examples: [
    '<%= config.bin %> <%= command.id %> 10.5.52.0/24',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11',
  ],
  args: {subnet: {description: 'The lease\'s subnet: 10.5.52.0/24 or 10.5.52.0-24.'}},
  flags: {
    'public-ip': {type: 'string', description: 'Release the lease of this public IP instead.'},
    ...etcdFlags,
  },
  async run({args, flags, commandLine, warn}): Promise<LeaseReleased> {
    const selector = leaseSelector(args.subnet, flags['public-ip'])
    const {lease, unreadable} = await withStore(flags, (store) => releaseLease(store, selector), commandLine)
    if (unreadable !== undefined) {
      warn(`${unreadable.problem}; deleted all the same`)
      return {released: null, key: unreadable.key}
    }
    return {released: leaseDetailView(lease), key: lease.key}
  },
  render: (result) => (result.released === null ? `Deleted ${result.key}` : `Released ${result.released.subnet} of ${result.released.publicIp} (deleted ${result.key})`),
})
