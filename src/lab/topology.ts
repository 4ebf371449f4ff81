// The lab's shape: names derived from the lab name and a host index, addresses from the
// underlay range (the switch and etcd members at its .1.., host i at its .(10+i)).
// Every namespace starts with the lab's prefix, so `lab down` can find them even without state.
import {numberToIp4, type Cidr} from './ip4-text.js'

export type LabBackend = 'vxlan' | 'host-gw' | 'udp'
export type LabAgentKind = 'flanctl' | 'manual'

export const LAB_BACKENDS: readonly LabBackend[] = ['vxlan', 'host-gw', 'udp']
export const LAB_AGENT_KINDS: readonly LabAgentKind[] = ['flanctl', 'manual']

/** TEST-NET-3 (this machine's eth0 is on TEST-NET-1); `lab up` refuses a range the root namespace uses */
export const DEFAULT_UNDERLAY = '203.0.113.0/24'
/** host i sits at the underlay's .(HOST_OFFSET + i); the etcd members at .1 .. .3 below it */
export const HOST_OFFSET = 10
const ETCD_CLIENT_PORT = 2379
const ETCD_PEER_PORT = 2380
export const DEFAULT_NETWORK = '198.18.0.0/16'
export const DEFAULT_SUBNET_LEN = 24
export const ETCD_PREFIX = '/coreos.com/network'
export const MAX_HOSTS = 80
/** interface names inside each namespace (names are per namespace, so they repeat) */
export const BRIDGE = 'br0'
export const UPLINK = 'eth0'
export const DOCKER_BRIDGE = 'docker0'
export const CONTAINER_VETH = 'vethc'
/** each lab agent serves /healthz, /readyz and /status here, inside its host (what `lab diagnose` reads) */
export const LAB_HEALTHZ_PORT = 9180

/** "flab-<name>-": every namespace of the lab starts with it. */
export function labPrefix(name: string): string {
  return `flab-${name}-`
}

export function switchNetns(name: string): string {
  return `${labPrefix(name)}sw`
}

export function hostName(index: number): string {
  return `h${index}`
}

export function hostNetns(name: string, index: number): string {
  return `${labPrefix(name)}h${index}`
}

export function containerNetns(name: string, index: number): string {
  return `${labPrefix(name)}c${index}`
}

/** host i's underlay address: the range's .(10+i) */
export function hostPublicIp(underlay: Cidr, index: number): string {
  return numberToIp4(underlay.ip + HOST_OFFSET + index)
}

/** the bridge port in the switch namespace that leads to host i */
export function switchPort(index: number): string {
  return `h${index}`
}

/** etcd member m (1-based) listens on the range's .m in the switch namespace */
export function etcdMemberIp(underlay: Cidr, member: number): string {
  return numberToIp4(underlay.ip + member)
}

export function etcdClientUrl(underlay: Cidr, member: number): string {
  return `http://${etcdMemberIp(underlay, member)}:${ETCD_CLIENT_PORT}`
}

export function etcdPeerUrl(underlay: Cidr, member: number): string {
  return `http://${etcdMemberIp(underlay, member)}:${ETCD_PEER_PORT}`
}

/** "h2" / "c2" / "sw" / "switch" / a full namespace name -> the namespace */
export function resolveTarget(name: string, target: string, knownNamespaces: readonly string[]): string | undefined {
  const prefix = labPrefix(name)
  if (target === 'switch' || target === 'sw') return switchNetns(name)
  const candidate = target.startsWith(prefix) ? target : `${prefix}${target}`
  return knownNamespaces.includes(candidate) ? candidate : undefined
}
