// The underlay: a "switch" namespace holding bridge br0 (never in the root namespace) and one
// namespace per host, each joined to the bridge by a veth (MTU 1500) with 192.0.2.(10+i)/24.
import {runCommand} from '../adapters/netns/run-command.js'
import {addNetns, setNetnsSysctl} from '../adapters/netns/namespaces.js'
import {BRIDGE, UNDERLAY_PREFIX_LEN, UPLINK, etcdMemberIp, hostPublicIp, switchNetns, switchPort} from './topology.js'

const UNDERLAY_MTU = 1500

/** The switch namespace and its bridge, holding the etcd members' addresses 192.0.2.1..m. */
export async function createSwitch(labName: string, etcdMemberCount: number): Promise<void> {
  const netns = switchNetns(labName)
  await addNetns(netns)
  const lines = [`link add ${BRIDGE} type bridge`, `link set ${BRIDGE} mtu ${UNDERLAY_MTU} up`]
  for (let m = 1; m <= etcdMemberCount; m++) lines.push(`addr add ${etcdMemberIp(m)}/${UNDERLAY_PREFIX_LEN} dev ${BRIDGE}`)
  await ipBatch(netns, lines)
}

/** A host namespace with its uplink `eth0` plugged into the bridge; IP forwarding on. */
export async function createHostNetns(labName: string, index: number, netns: string): Promise<void> {
  const sw = switchNetns(labName)
  await addNetns(netns)
  // created in the switch namespace with its peer directly in the host: nothing passes through the root namespace
  await runCommand('ip', ['-n', sw, 'link', 'add', switchPort(index), 'mtu', String(UNDERLAY_MTU), 'type', 'veth', 'peer', 'name', UPLINK, 'mtu', String(UNDERLAY_MTU), 'netns', netns])
  await ipBatch(sw, [`link set ${switchPort(index)} master ${BRIDGE}`, `link set ${switchPort(index)} up`])
  await ipBatch(netns, [`addr add ${hostPublicIp(index)}/${UNDERLAY_PREFIX_LEN} dev ${UPLINK}`, `link set ${UPLINK} up`])
  // a host forwards its containers' traffic (docker turns this on; flanneld expects it on)
  await setNetnsSysctl(netns, 'net.ipv4.ip_forward', '1')
}

/** One `ip -batch` process for a list of commands in one namespace. */
export async function ipBatch(netns: string, lines: readonly string[], options: {force?: boolean} = {}): Promise<void> {
  if (lines.length === 0) return
  const args = ['-n', netns, ...(options.force ? ['-force'] : []), '-batch', '-']
  await runCommand('ip', args, {input: lines.join('\n') + '\n', timeoutMs: 120_000})
}

/** One `bridge -batch` process. */
export async function bridgeBatch(netns: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return
  await runCommand('bridge', ['-n', netns, '-batch', '-'], {input: lines.join('\n') + '\n', timeoutMs: 120_000})
}
