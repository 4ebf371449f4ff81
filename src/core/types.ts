// The domain shared by every layer. IPv4 addresses are unsigned 32-bit numbers (fast arithmetic,
// cheap maps for 5,000 leases); IPv6 ones are bigints. Wire spellings (PublicIP, VtepMAC) live
// only in the codecs.

export interface Ip4Net {
  /** network address, host bits masked off, as an unsigned 32-bit number */
  ip: number
  prefixLen: number
}

export interface Ip6Net {
  ip: bigint
  prefixLen: number
}

export type BackendType = 'vxlan' | 'host-gw' | 'udp' | (string & {})

/**
 * flannel's udp backend is the one left unnamed: a config without Backend runs it (flannel's
 * code; its docs say vxlan), and its leases carry no BackendType.
 */
export const UNNAMED_BACKEND = 'udp'

/** The `Backend` object of the network config, normalised. Unknown options stay in `raw`. */
export interface BackendConfig {
  type: BackendType
  /** vxlan */
  vni: number
  /** vxlan: 0 means the kernel default 8472; udp: default 8285 */
  port: number
  directRouting: boolean
  /** vxlan: the configured MTU, 0 when not set */
  mtu: number
  raw: Record<string, unknown>
}

/** The network config after flannel's rules: defaults filled, host bits masked. */
export interface NetworkConfig {
  enableIPv4: boolean
  enableIPv6: boolean
  network?: Ip4Net
  subnetLen: number
  subnetMin: number
  subnetMax: number
  ipv6Network?: Ip6Net
  ipv6SubnetLen?: number
  ipv6SubnetMin?: bigint
  ipv6SubnetMax?: bigint
  enableNFTables: boolean
  backend: BackendConfig
}

/** The JSON value of a lease key, in flannel's field order. */
export interface LeaseAttrs {
  publicIp: string
  publicIpv6: string | null
  backendType?: string
  /** kept as parsed JSON so a value written back is the one that was read */
  backendData?: unknown
  backendV6Data?: unknown
}

/** flannel's lease TTL: 24 h, renewed before it runs out */
export const LEASE_TTL_SECONDS = 86_400

/** A lease as stored in etcd. */
export interface Lease {
  /** the full etcd key */
  key: string
  subnet: Ip4Net
  ipv6Subnet?: Ip6Net
  attrs: LeaseAttrs
  /** etcd lease id as a decimal string; undefined for a reservation (a key with no etcd lease) */
  etcdLeaseId?: string
  /** seconds left, or undefined when not asked or a reservation */
  ttlSeconds?: number
  /** true when the key has no etcd lease: it never expires */
  reservation: boolean
  /** etcd's create_revision of the key (decimal): the older of two conflicting leases wins */
  createRevision?: string
}

