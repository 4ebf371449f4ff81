import {defineCommand} from '../../cli/command-definition.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseDetailView, renderLeaseDetail, type LeaseDetailView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {hostIp4Arg, subnetArg} from '../../cli/subnet-arg.js'
import {acquireLeaseFor} from '../../engine/lease-admin.js'

export interface LeaseAcquireView {
  /** reuse: the public IP already held it; previous: the --previous-subnet; new: a free subnet */
  how: 'reuse' | 'previous' | 'new'
  lease: LeaseDetailView
  deletedStale: string[]
}

const HOW = {reuse: 'reused its existing lease', previous: 'took the previous subnet', new: 'took a free subnet'}

export default defineCommand({
  summary: 'Take a lease for a public IP with the agent\'s rules, as `flanctl up` would.',
  description: 'The public IP\'s own lease is reused if it fits the config (one that does not fit is deleted), then --previous-subnet if free, then a random one of the first 100 free subnets. The lease expires in 24 h unless renewed.',
  examples: [
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11',
    '<%= config.bin %> <%= command.id %> --public-ip 192.0.2.11 --vtep-mac 0a:58:c0:00:02:0b --previous-subnet 10.5.52.0/24',
  ],
  flags: {
    'public-ip': {type: 'string', description: 'The host\'s public IP (PublicIP in the lease).', required: true},
    'vtep-mac': {type: 'string', description: 'vxlan: the VtepMAC to publish (default: a random locally administered MAC).'},
    'previous-subnet': {type: 'string', description: 'The subnet to prefer, as FLANNEL_SUBNET of a previous subnet.env does.'},
    ...etcdFlags,
  },
  async run({flags, commandLine, warn}): Promise<LeaseAcquireView> {
    const publicIp = hostIp4Arg(flags['public-ip'], '--public-ip')
    const previousSubnet = flags['previous-subnet'] === undefined ? undefined : subnetArg(flags['previous-subnet'], '--previous-subnet')
    const acquired = await withStore(flags, (store) => acquireLeaseFor({store, publicIp, vtepMac: flags['vtep-mac'], previousSubnet}), commandLine)
    for (const key of acquired.deletedStale) warn(`deleted ${key}: a lease of ${publicIp} that no longer fits the config`)
    return {how: acquired.how, lease: leaseDetailView(acquired.lease), deletedStale: acquired.deletedStale}
  },
  render: (result, {paint}) => `${paint.green(`${result.lease.publicIp} ${HOW[result.how]}: ${result.lease.subnet}`)}\n${renderLeaseDetail(result.lease, paint)}`,
})
