// The underlay: a "switch" namespace holding bridge br0 (never in the root namespace) and one
// namespace per host, each joined to the bridge by a veth (MTU 1500) with its underlay address.
import {runCommand} from '../adapters/netns/run-command.js'
import {addNetns, setNetnsSysctl} from '../adapters/netns/namespaces.js'
import type {Cidr} from './ip4-text.js'
import {ipBatch} from './netns-batch.js'
import {BRIDGE, UPLINK, etcdMemberIp, switchNetns, switchPort} from './topology.js'

const UNDERLAY_MTU = 1500

/** The switch namespace and its bridge, holding the etcd members' addresses (the underlay's .1..m). */
export async function createSwitch(labName: string, underlay: Cidr, etcdMemberCount: number): Promise<void> {
  const netns = switchNetns(labName)
  await addNetns(netns)
  const lines = [`link add ${BRIDGE} type bridge`, `link set ${BRIDGE} mtu ${UNDERLAY_MTU} up`]
  for (let m = 1; m <= etcdMemberCount; m++) lines.push(`addr add ${etcdMemberIp(underlay, m)}/${underlay.prefixLen} dev ${BRIDGE}`)
  await ipBatch(netns, lines)
}

/** A host namespace with its uplink `eth0` (holding `address`, e.g. 203.0.113.11/24) plugged into the bridge; IP forwarding on. */
export async function createHostNetns(labName: string, index: number, netns: string, address: string): Promise<void> {
  const sw = switchNetns(labName)
  await addNetns(netns)
  // created in the switch namespace with its peer directly in the host: nothing passes through the root namespace
  await runCommand('ip', ['-n', sw, 'link', 'add', switchPort(index), 'mtu', String(UNDERLAY_MTU), 'type', 'veth', 'peer', 'name', UPLINK, 'mtu', String(UNDERLAY_MTU), 'netns', netns])
  await ipBatch(sw, [`link set ${switchPort(index)} master ${BRIDGE}`, `link set ${switchPort(index)} up`])
  await ipBatch(netns, [`addr add ${address} dev ${UPLINK}`, `link set ${UPLINK} up`])
  // a host forwards its containers' traffic (docker turns this on; flanneld expects it on)
  await setNetnsSysctl(netns, 'net.ipv4.ip_forward', '1')
}
