import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {leaseSelector} from '../../cli/subnet-arg.js'
import {releaseLease} from '../../engine/lease-admin.js'

export default class LeaseRelease extends FlanctlCommand<{released: LeaseDetailView}> {
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

  protected async execute(): Promise<{released: LeaseDetailView}> {
    const {args, flags} = await this.parse(LeaseRelease)
    const selector = leaseSelector(args.subnet, flags['public-ip'])
    const lease = await withStore(flags, (store) => releaseLease(store, selector), this.argv)
    return {released: leaseDetailView(lease)}
  }

  protected render(result: {released: LeaseDetailView}): string {
    return `Released ${result.released.subnet} of ${result.released.publicIp} (deleted ${result.released.key})`
  }
}
