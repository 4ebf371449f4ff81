import * as Args from '@oclif/core/args'
import {FlanctlCommand} from '../../cli/base-command.js'
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

export default class LeaseUnreserve extends FlanctlCommand<LeaseUnreserveView> {
  static override summary = 'Turn a reservation back into an ordinary lease, which expires in 24 h unless its host renews it.'
  static override description = 'The key is kept, so a running agent that holds it goes on; to free the subnet at once use `lease release`.'
  static override examples = ['<%= config.bin %> <%= command.id %> 10.5.52.0/24']

  static override args = {subnet: Args.string({description: 'The reserved subnet: 10.5.52.0/24 or 10.5.52.0-24.', required: true})}
  static override flags = {...etcdFlags}

  protected async execute(): Promise<LeaseUnreserveView> {
    const {args, flags} = await this.parse(LeaseUnreserve)
    const subnet = subnetArg(args.subnet)
    const {lease, wasReservation} = await withStore(flags, (store) => unreserveSubnet(store, subnet), this.argv)
    if (!wasReservation) this.addWarning(`${lease.key} is not a reservation; left as it is`)
    return {unreserved: wasReservation, lease: leaseDetailView(lease)}
  }

  protected render(result: LeaseUnreserveView): string {
    return `${result.unreserved ? `Unreserved ${result.lease.subnet}: now an ordinary lease` : `${result.lease.subnet} was not reserved`}\n${renderLeaseDetail(result.lease)}`
  }
}
