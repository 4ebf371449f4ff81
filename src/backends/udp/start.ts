// udp's kernel side: the relay (TUN flannel0 and its UDP socket on the external address and
// Port) starts with the backend, before the lease, so that a missing /dev/net/tun or a port in
// use fails `up` at once; activate gives flannel0 its attributes; the routes' loop keeps
// flannel0, its route and the relay's peer table; run supervises the relay.
import {FlanctlError} from '../../core/errors.js'
import {formatIp4} from '../../core/ip4.js'
import type {AgentBackend, BackendStartInput} from '../backend-module.js'
import {TUN_DEVICE, UDP_OVERHEAD, udpPort} from './constants.js'
import {udpDesired, udpDeviceEntry} from './desired.js'
import {createRelayKeeper} from './relay-keeper.js'
import type {Lease} from '../../core/types.js'

export async function startUdp(input: BackendStartInput): Promise<AgentBackend> {
  const {config, external, platform} = input
  const network = config.network
  if (network === undefined) throw new FlanctlError('E_INVALID_CONFIG', 'the network config has no IPv4 Network')
  const port = udpPort(config.backend.port)
  const mtu = external.mtu - UDP_OVERHEAD
  const keeper = createRelayKeeper(platform.startUdpRelay, {bindIp: external.ifaceAddr, port})
  try {
    await keeper.start()
  } catch (error) {
    throw new FlanctlError('E_SYSTEM', `the udp relay could not start (${TUN_DEVICE}, udp ${formatIp4(external.ifaceAddr)}:${port}): ${(error as Error).message}`, {
      hint: 'The udp backend needs /dev/net/tun (the tun module), root, and its Port free on the external address (is another flanneld running?).',
    })
  }
  const dataplane = platform.udpDataplane({device: TUN_DEVICE, network, relay: keeper})
  let own: Lease | undefined
  const configureDevice = async (): Promise<void> => {
    if (own !== undefined) await dataplane.apply([{verb: 'replace', entry: udpDeviceEntry({ownLease: own, device: TUN_DEVICE, mtu})}])
  }
  return {
    type: 'udp',
    mtu,
    leaseAttrs: {publicIp: formatIp4(external.publicIp), publicIpv6: null},
    details: {device: TUN_DEVICE, port, bind: formatIp4(external.ifaceAddr)},
    async activate(ownLease) {
      own = ownLease
      await configureDevice()
    },
    desired: (ownLease, peers) => udpDesired({ownLease, leases: peers, network, device: TUN_DEVICE, mtu}),
    dataplane,
    run: (context) => keeper.supervise(context, configureDevice),
    close: () => keeper.stop(),
  }
}
