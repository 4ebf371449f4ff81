import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {ip4Arg, subnetArg} from '../../cli/subnet-arg.js'
import {reserveSubnet} from '../../engine/lease-admin.js'

export interface LeaseReserveView {
  /** true when the public IP's existing lease on that subnet became the reservation */
  converted: boolean
  lease: LeaseDetailView
}

export default class LeaseReserve extends FlanctlCommand<LeaseReserveView> {
  static override summary = 'Reserve a subnet for a public IP: a lease key with no etcd lease, which never expires.'
  static override description = 'The agent on that public IP takes the reservation as its lease and it stays a reservation across restarts. An existing lease of that public IP on the subnet is converted; one of another host is a conflict (exit 8).'
  static override examples = ['<%= config.bin %> <%= command.id %> 10.5.52.0/24 --public-ip 192.0.2.11']

  static override args = {subnet: Args.string({description: 'The subnet to reserve: 10.5.52.0/24 or 10.5.52.0-24.', required: true})}
  static override flags = {
    'public-ip': Flags.string({description: 'The public IP the subnet is for.', required: true}),
    ...etcdFlags,
  }

  protected async execute(): Promise<LeaseReserveView> {
    const {args, flags} = await this.parse(LeaseReserve)
    const subnet = subnetArg(args.subnet)
    const publicIp = ip4Arg(flags['public-ip'], '--public-ip')
    const outcome = await withStore(flags, (store) => reserveSubnet(store, subnet, publicIp), this.argv)
    for (const warning of outcome.warnings) this.addWarning(warning)
    return {converted: outcome.previous !== undefined, lease: leaseDetailView(outcome.lease)}
  }

  protected render(result: LeaseReserveView): string {
    const what = result.converted ? 'Converted the lease into a reservation' : 'Reserved'
    return `${what}: ${result.lease.subnet} for ${result.lease.publicIp}\n${renderLeaseDetail(result.lease)}`
  }
}
