// The one list of diagnose's checks: stable IDs, their layer, what they say when they pass, and
// the checks they need (a needed check that failed or was skipped makes this one skip, naming
// it). Everything else (the order of the report, the sections, the docs' table) derives from it.
export const LAYERS = ['config', 'etcd', 'lease', 'host', 'firewall', 'dataplane', 'probes', 'agent'] as const

export type Layer = (typeof LAYERS)[number]

export interface CheckSpec {
  id: string
  layer: Layer
  title: string
  needs: readonly string[]
}

const spec = (id: string, layer: Layer, title: string, needs: readonly string[] = []): CheckSpec => ({id, layer, title, needs})

export const CHECKS: readonly CheckSpec[] = [
  spec('etcd.reachable', 'etcd', 'etcd answers'),
  spec('etcd.endpoints', 'etcd', 'every etcd endpoint answers (DNS, TCP, TLS, auth, version)'),
  spec('etcd.cluster', 'etcd', 'the etcd cluster has a leader and quorum'),
  spec('config.present', 'config', 'network config present', ['etcd.reachable']),
  spec('config.valid', 'config', 'network config valid by flannel\'s rules', ['config.present']),
  spec('config.runnable', 'config', 'flanctl up can run this config', ['config.valid']),
  spec('host.privileges', 'host', 'running as root'),
  spec('host.interface', 'host', 'external interface and public IP'),
  spec('host.kernel-features', 'host', 'the kernel has what the backend needs', ['config.valid']),
  spec('host.ip-forward', 'host', 'IPv4 forwarding on (net.ipv4.ip_forward=1)'),
  spec('host.rp-filter', 'host', 'reverse-path filter does not drop overlay traffic'),
  spec('host.bridge-nf', 'host', 'bridged container traffic and iptables'),
  spec('host.iptables', 'host', 'iptables variant'),
  spec('lease.own', 'lease', 'this host holds a lease', ['config.valid', 'host.interface']),
  spec('lease.duplicates', 'lease', 'no two leases share a public IP', ['config.valid']),
  spec('lease.ranges', 'lease', 'leases inside the network, none overlapping', ['config.valid']),
  spec('lease.backends', 'lease', 'every lease is of the config\'s backend', ['config.valid']),
  spec('lease.renewal', 'lease', 'leases renewed in time', ['config.valid']),
  spec('lease.capacity', 'lease', 'subnets used', ['config.valid']),
  spec('lease.subnet-env', 'lease', 'subnet.env matches the lease', ['lease.own']),
  spec('firewall.forward', 'firewall', 'FORWARD lets the overlay through', ['lease.own']),
  spec('firewall.flannel-rules', 'firewall', 'flannel\'s forward rules in place', ['lease.own']),
  spec('firewall.masq', 'firewall', 'flannel\'s masquerade rules in place (--ip-masq)', ['lease.own']),
  spec('firewall.encap-port', 'firewall', 'INPUT accepts the encapsulation port', ['config.valid']),
  spec('firewall.icmp-frag', 'firewall', 'ICMP fragmentation-needed reaches this host (path MTU discovery)', ['config.valid']),
  spec('dataplane.device', 'dataplane', 'the backend\'s device as the lease wants it', ['lease.own', 'host.kernel-features']),
  spec('dataplane.peers', 'dataplane', 'every peer has its kernel entries', ['lease.own']),
  spec('dataplane.stray', 'dataplane', 'no flanctl entries that no lease explains', ['lease.own']),
  spec('dataplane.l2', 'dataplane', 'host-gw peers on this L2 segment', ['lease.own']),
  spec('dataplane.mtu', 'dataplane', 'MTU chain: underlay, device, FLANNEL_MTU, container bridge', ['lease.own']),
  spec('dataplane.bridge-address', 'dataplane', 'container bridge address inside the lease\'s subnet', ['lease.own']),
  spec('probes.underlay', 'probes', 'peers answer on the underlay', ['lease.own']),
  spec('probes.overlay', 'probes', 'peers answer through the overlay', ['lease.own']),
  spec('probes.path-mtu', 'probes', 'full-size packets cross the overlay (DF at FLANNEL_MTU)', ['probes.overlay']),
  spec('agent.process', 'agent', 'flanctl up runs on this host'),
  spec('agent.health', 'agent', 'the agent\'s health endpoints', ['agent.process']),
  spec('agent.report', 'agent', 'the agent\'s own report: etcd, lease, last pass', ['agent.health']),
]

export type CheckId = string

export function checkSpec(id: CheckId): CheckSpec {
  const found = CHECKS.find((c) => c.id === id)
  if (found === undefined) throw new Error(`no diagnose check ${id}`)
  return found
}
