// A "container" behind a host, made the way docker does with --bip=$FLANNEL_SUBNET and
// --mtu=$FLANNEL_MTU: bridge docker0 in the host namespace holding the subnet's first address,
// a veth into the container namespace, the container on the next address with a default route.
import {addNetns} from '../adapters/netns/namespaces.js'
import {runCommand} from '../adapters/netns/run-command.js'
import {numberToIp4} from './ip4-text.js'
import type {HostSubnetEnv} from './subnet-env-file.js'
import {CONTAINER_VETH, DOCKER_BRIDGE} from './topology.js'
import {ipBatch} from './netns-batch.js'

/** Creates the container namespace and wiring; returns the container's address. */
export async function createContainer(hostNetns: string, containerNetns: string, env: HostSubnetEnv): Promise<string> {
  const gateway = numberToIp4(env.gatewayIp)
  const containerIp = numberToIp4(env.gatewayIp + 1)
  const len = env.subnet.prefixLen
  await addNetns(containerNetns)
  await ipBatch(hostNetns, [
    `link add ${DOCKER_BRIDGE} type bridge`,
    `link set ${DOCKER_BRIDGE} mtu ${env.mtu}`,
    `addr add ${gateway}/${len} dev ${DOCKER_BRIDGE}`,
    `link set ${DOCKER_BRIDGE} up`,
  ])
  await runCommand('ip', ['-n', hostNetns, 'link', 'add', CONTAINER_VETH, 'mtu', String(env.mtu), 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', String(env.mtu), 'netns', containerNetns])
  await ipBatch(hostNetns, [`link set ${CONTAINER_VETH} master ${DOCKER_BRIDGE}`, `link set ${CONTAINER_VETH} up`])
  await ipBatch(containerNetns, [`addr add ${containerIp}/${len} dev eth0`, 'link set eth0 up', `route add default via ${gateway} dev eth0`])
  return containerIp
}
