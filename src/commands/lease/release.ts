import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
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

export default class LeaseRelease extends FlanctlCommand<LeaseReleased> {
  static override summary = 'Delete a lease (or a reservation) from etcd, freeing its subnet.'
  static override description = 'A running agent that holds the lease stops when its lease is deleted; release the leases of hosts that are gone.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 10.5.52.0/24',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11',
  ]

  static override args = {subnet: Args.string({description: 'The lease\'s subnet: 10.5.52.0/24 or 10.5.52.0-24.'})}
  static override flags = {
    'public-ip': Flags.string({description: 'Release the lease of this public IP instead.'}),
    ...etcdFlags,
  }

  protected async execute(): Promise<LeaseReleased> {
    const {args, flags} = await this.parse(LeaseRelease)
    const selector = leaseSelector(args.subnet, flags['public-ip'])
    const {lease, unreadable} = await withStore(flags, (store) => releaseLease(store, selector), this.argv)
    if (unreadable !== undefined) {
      this.addWarning(`${unreadable.problem}; deleted all the same`)
      return {released: null, key: unreadable.key}
    }
    return {released: leaseDetailView(lease), key: lease.key}
  }

  protected render(result: LeaseReleased): string {
    if (result.released === null) return `Deleted ${result.key}`
    return `Released ${result.released.subnet} of ${result.released.publicIp} (deleted ${result.key})`
  }
}
