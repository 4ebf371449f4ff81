// The lab's fixed shape: names and addresses, all derived from the lab name and a host index.
// Every namespace starts with the lab's prefix, so `lab down` can find them even without state.
import {FlanctlError} from '../core/errors.js'

export type LabBackend = 'vxlan' | 'host-gw'
export type LabAgentKind = 'flanctl' | 'manual'

export const LAB_BACKENDS: readonly LabBackend[] = ['vxlan', 'host-gw']
export const LAB_AGENT_KINDS: readonly LabAgentKind[] = ['flanctl', 'manual']

export const UNDERLAY_PREFIX_LEN = 24
/** the switch namespace's addresses on the bridge; etcd member m listens on 192.0.2.m */
export const SWITCH_IP = '192.0.2.1'
export const ETCD_CLIENT_PORT = 2379
export const ETCD_PEER_PORT = 2380
export const DEFAULT_NETWORK = '198.18.0.0/16'
export const DEFAULT_SUBNET_LEN = 24
export const ETCD_PREFIX = '/coreos.com/network'
export const MAX_HOSTS = 80
/** interface names inside each namespace (names are per namespace, so they repeat) */
export const BRIDGE = 'br0'
export const UPLINK = 'eth0'
export const DOCKER_BRIDGE = 'docker0'
export const CONTAINER_VETH = 'vethc'

export function validateLabName(name: string): void {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) {
    throw new FlanctlError('E_USAGE', `lab name "${name}" is not valid (--name)`, {hint: 'Use 1 to 12 lower-case letters or digits, starting with a letter, e.g. --name lab2.'})
  }
}

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

/** host i's underlay address: 192.0.2.(10+i) */
export function hostPublicIp(index: number): string {
  return `192.0.2.${10 + index}`
}

/** the bridge port in the switch namespace that leads to host i */
export function switchPort(index: number): string {
  return `h${index}`
}

/** etcd member m (1-based) listens on 192.0.2.m in the switch namespace */
export function etcdMemberIp(member: number): string {
  return `192.0.2.${member}`
}

export function etcdClientUrl(member: number): string {
  return `http://${etcdMemberIp(member)}:${ETCD_CLIENT_PORT}`
}

export function etcdPeerUrl(member: number): string {
  return `http://${etcdMemberIp(member)}:${ETCD_PEER_PORT}`
}

/** "h2" / "c2" / "sw" / "switch" / a full namespace name -> the namespace */
export function resolveTarget(name: string, target: string, knownNamespaces: readonly string[]): string | undefined {
  const prefix = labPrefix(name)
  if (target === 'switch' || target === 'sw') return switchNetns(name)
  const candidate = target.startsWith(prefix) ? target : `${prefix}${target}`
  return knownNamespaces.includes(candidate) ? candidate : undefined
}
