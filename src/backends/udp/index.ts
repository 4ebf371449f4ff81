// The udp backend (flannel's first): TUN flannel0 and a userspace relay on UDP Port (default
// 8285), 28 bytes of overhead. Its config and leases are understood here; `flanctl up` cannot
// run it yet (no `start`), so it refuses a udp config with a clear error.
import {FieldError, uintField} from '../../core/go-json.js'
import type {BackendModule} from '../backend-module.js'

const DEFAULT_UDP_PORT = 8285

export const udpBackend: BackendModule = {
  type: 'udp',
  // outer IPv4 20 + UDP 8
  overhead: 28,
  optionKeys: ['Port'],
  decodeOptions(fields) {
    const port = uintField(fields, 'Port', 'Backend.') || DEFAULT_UDP_PORT
    if (port > 65535) throw new FieldError(`Backend.Port: ${port} is out of range (0..65535)`)
    return {vni: 0, port, directRouting: false, mtu: 0}
  },
  encodeOptions: (backend) => ({Port: backend.port}),
  configWarnings: () => [],
  // udp writes no BackendType at all
  leaseAttrs: (publicIp) => ({publicIp, publicIpv6: null}),
}
