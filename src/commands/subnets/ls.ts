import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../../cli/base-command.js'
import {etcdFlags} from '../../cli/etcd-flags.js'
import {leaseView, renderLeaseTable, type LeaseView} from '../../cli/lease-view.js'
import {withStore} from '../../cli/store-from-flags.js'
import {compareIp4Nets} from '../../core/ip4.js'

export interface SubnetsListView {
  prefix: string
  leases: LeaseView[]
}

export default class SubnetsLs extends FlanctlCommand<SubnetsListView> {
  static override summary = 'List every lease: subnet, public IP, backend, VtepMAC, and time left or `reservation`.'
  static override description = 'Keys or values under <prefix>/subnets that do not parse are listed as warnings (on stderr, and in `warnings` with --json); they never stop the listing.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -o wide',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.leases[] | select(.reservation) | .subnet\'',
  ]

  static override aliases = ['subnets list']

  static override flags = {
    output: Flags.string({char: 'o', description: 'Table layout: wide adds VNI, IPv6, etcd lease id and key.', options: ['table', 'wide'], default: 'table'}),
    ...etcdFlags,
  }

  private wide = false

  protected async execute(): Promise<SubnetsListView> {
    const {flags} = await this.parse(SubnetsLs)
    this.wide = flags.output === 'wide'
    const list = await withStore(flags, async (store) => ({prefix: store.prefix, ...(await store.listLeases({withTtl: true}))}), this.argv)
    for (const warning of list.warnings) this.addWarning(warning)
    const leases = [...list.leases].sort((a, b) => compareIp4Nets(a.subnet, b.subnet))
    return {prefix: list.prefix, leases: leases.map(leaseView)}
  }

  protected render(result: SubnetsListView): string {
    if (result.leases.length === 0) return `No leases under ${result.prefix}/subnets.`
    return renderLeaseTable(result.leases, this.wide)
  }
}
