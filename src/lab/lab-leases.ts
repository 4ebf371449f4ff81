// The lab's leases as etcdctl reads them (the interop view: what any flannel host would see).
import type {LabState} from './lab-state.js'
import {etcdGetPrefix} from './lab-etcdctl.js'
import {parseSubnetKey} from './ip4-text.js'
import type {PeerLease} from './flannel-by-hand.js'

export interface LabLease extends PeerLease {
  value: string
  leaseHex?: string
}

/** Every well-formed lease under <prefix>/subnets/; malformed ones are skipped (a lab never crashes on them). */
export async function readLabLeases(state: LabState): Promise<LabLease[]> {
  const prefix = `${state.etcdPrefix}/subnets/`
  const kvs = await etcdGetPrefix(state, prefix)
  const leases: LabLease[] = []
  for (const kv of kvs) {
    const subnet = parseSubnetKey(kv.key.slice(prefix.length))
    if (subnet === undefined) continue
    let attrs: {PublicIP?: unknown; BackendType?: unknown; BackendData?: {VtepMAC?: unknown} | null}
    try {
      attrs = JSON.parse(kv.value) as typeof attrs
    } catch {
      continue
    }
    if (typeof attrs.PublicIP !== 'string') continue
    leases.push({
      key: kv.key,
      subnet,
      publicIp: attrs.PublicIP,
      backendType: typeof attrs.BackendType === 'string' ? attrs.BackendType : undefined,
      vtepMac: typeof attrs.BackendData?.VtepMAC === 'string' ? attrs.BackendData.VtepMAC : undefined,
      value: kv.value,
      leaseHex: kv.leaseHex,
    })
  }
  return leases
}
