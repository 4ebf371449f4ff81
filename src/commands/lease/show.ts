import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {leaseSelector} from '../../cli/subnet-arg.js'
import {findLease} from '../../engine/lease-admin.js'

export default class LeaseShow extends FlanctlCommand<{lease: LeaseDetailView}> {
  static override summary = 'Show one lease, by subnet or by public IP, with its value in etcd and its time left.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 10.5.52.0/24',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11 --json',
  ]

  static override args = {subnet: Args.string({description: 'The lease\'s subnet: 10.5.52.0/24 or 10.5.52.0-24.'})}
  static override flags = {
    'public-ip': Flags.string({description: 'Find the lease of this public IP instead.'}),
    ...etcdFlags,
  }

  protected async execute(): Promise<{lease: LeaseDetailView}> {
    const {args, flags} = await this.parse(LeaseShow)
    const selector = leaseSelector(args.subnet, flags['public-ip'])
    const lease = await withStore(flags, (store) => findLease(store, selector), this.argv)
    return {lease: leaseDetailView(lease)}
  }

  protected render(result: {lease: LeaseDetailView}): string {
    return renderLeaseDetail(result.lease)
  }
}
