import * as Flags from '@oclif/core/flags'
import chalk from 'chalk'
import {FlanctlCommand} from '../../cli/base-command.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {ip4Arg, subnetArg} from '../../cli/subnet-arg.js'
import {acquireLeaseFor} from '../../engine/lease-admin.js'

export interface LeaseAcquireView {
  /** reuse: the public IP already held it; previous: the --previous-subnet; new: a free subnet */
  how: 'reuse' | 'previous' | 'new'
  lease: LeaseDetailView
  deletedStale: string[]
}

export default class LeaseAcquire extends FlanctlCommand<LeaseAcquireView> {
  static override summary = 'Take a lease for a public IP with the agent\'s rules, as `flanctl up` would.'
  static override description = 'The public IP\'s own lease is reused if it fits the config (one that does not fit is deleted), then --previous-subnet if free, then a random one of the first 100 free subnets. The lease expires in 24 h unless renewed.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11 --vtep-mac 0a:58:c0:00:02:0b --previous-subnet 10.5.52.0/24',
  ]

  static override flags = {
    'public-ip': Flags.string({description: 'The host\'s public IP (PublicIP in the lease).', required: true}),
    'vtep-mac': Flags.string({description: 'vxlan: the VtepMAC to publish (default: a random locally administered MAC).'}),
    'previous-subnet': Flags.string({description: 'The subnet to prefer, as FLANNEL_SUBNET of a previous subnet.env does.'}),
    ...etcdFlags,
  }

  protected async execute(): Promise<LeaseAcquireView> {
    const {flags} = await this.parse(LeaseAcquire)
    const publicIp = ip4Arg(flags['public-ip'], '--public-ip')
    const previousSubnet = flags['previous-subnet'] === undefined ? undefined : subnetArg(flags['previous-subnet'], '--previous-subnet')
    const acquired = await withStore(flags, (store) => acquireLeaseFor({store, publicIp, vtepMac: flags['vtep-mac'], previousSubnet}), this.argv)
    for (const key of acquired.deletedStale) this.addWarning(`deleted ${key}: a lease of ${publicIp} that no longer fits the config`)
    return {how: acquired.how, lease: leaseDetailView(acquired.lease), deletedStale: acquired.deletedStale}
  }

  protected render(result: LeaseAcquireView): string {
    const how = {reuse: 'reused its existing lease', previous: 'took the previous subnet', new: 'took a free subnet'}[result.how]
    return `${chalk.green(`${result.lease.publicIp} ${how}: ${result.lease.subnet}`)}\n${renderLeaseDetail(result.lease)}`
  }
}
