// What diagnose checks of udp: /dev/net/tun, UDP Port (8285) open in INPUT, flannel0 as the
// lease wants it (a TUN, <subnet>.0/32, MTU = underlay - 28, up) with the relay's socket bound
// to <interface address>:<Port>, the route <Network> dev flannel0, and pings to each peer's
// <subnet>.0 (its flannel0 address). All read without opening flannel0 or starting a relay.
import {formatIp4, formatIp4Net, ip4NetContains, parseIp4} from '../../core/ip4.js'
import type {BackendDiagnosis} from '../backend-diagnosis.js'
import {TUN_DEVICE, udpPort} from './constants.js'
import {inspectUdp} from './inspect.js'

export const udpDiagnosis: BackendDiagnosis = {
  kernelFeature: {name: 'tun', paths: ['/dev/net/tun']},
  encapsulation: (backend) => ({port: udpPort(backend.port), what: 'udp relay'}),
  needsL2: false,
  overlayAddress: (lease) => lease.subnet.ip,
  inspect: inspectUdp,
  peersNote: 'the relay\'s peer table lives in the agent\'s memory: not read here (probes.overlay goes through it)',
  device: {
    expected: ({config, external, ownLease, mtu}) => {
      const address = `${formatIp4(ownLease.subnet.ip)}/32`
      return {
        name: TUN_DEVICE,
        facts: {type: 'tun', mtu, up: true, address, relay: `${formatIp4(external.ifaceAddr)}:${udpPort(config.backend.port)}`},
        fieldFixes: {mtu: `ip link set ${TUN_DEVICE} mtu ${mtu}`, up: `ip link set ${TUN_DEVICE} up`, address: `ip addr replace ${address} dev ${TUN_DEVICE}`},
      }
    },
    read: async (name, platform, {network, ownSubnet, expected}) => {
      const d = await platform.readTunDevice(name)
      if (d === undefined) return undefined
      const inNetwork = d.addresses.flatMap((a) => {
        const ip = parseIp4(a.local)
        return ip !== undefined && ip4NetContains(network, ip) ? [{ip, prefixLen: a.prefixLen}] : []
      })
      const ours = inNetwork.find((a) => a.ip === ownSubnet.ip && a.prefixLen === 32)
      const relay = String(expected.relay)
      const port = Number(relay.split(':')[1])
      const listeners = await platform.udpListeners(port)
      return {
        type: d.kind,
        mtu: d.mtu,
        up: d.up,
        address: ours !== undefined ? `${formatIp4(ours.ip)}/32` : inNetwork.map((a) => formatIp4Net(a)).join(',') || 'none',
        relay: listeners.includes(relay) ? relay : listeners.length > 0 ? `not listening (udp ${port} bound on ${listeners.join(', ')})` : `not listening (nothing bound to udp ${port})`,
      }
    },
  },
}
