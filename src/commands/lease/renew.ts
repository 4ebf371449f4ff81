import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
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

export default class LeaseRenew extends FlanctlCommand<LeaseRenewView> {
  static override summary = 'Renew a lease now: the same value with a fresh 24 h etcd lease.'
  static override description = 'A reservation is left as it is (it never expires).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 10.5.52.0/24',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11',
  ]

  static override args = {subnet: Args.string({description: 'The lease\'s subnet: 10.5.52.0/24 or 10.5.52.0-24.'})}
  static override flags = {
    'public-ip': Flags.string({description: 'Renew the lease of this public IP instead.'}),
    ...etcdFlags,
  }

  protected async execute(): Promise<LeaseRenewView> {
    const {args, flags} = await this.parse(LeaseRenew)
    const selector = leaseSelector(args.subnet, flags['public-ip'])
    const {lease, wasReservation} = await withStore(flags, (store) => renewLeaseNow(store, selector), this.argv)
    if (wasReservation) this.addWarning(`${lease.key} is a reservation: it never expires, nothing to renew`)
    return {renewed: !wasReservation, lease: leaseDetailView(lease)}
  }

  protected render(result: LeaseRenewView): string {
    return `${result.renewed ? `Renewed ${result.lease.subnet}` : `${result.lease.subnet} left as it is`}\n${renderLeaseDetail(result.lease)}`
  }
}
