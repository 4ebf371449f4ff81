// The udp backend (flannel's first): TUN flannel0 and a userspace relay (relay/) on UDP Port
// (default 8285), 28 bytes of overhead, leases with no BackendType. Unlike vxlan's device,
// flannel0 lives only while the agent runs: traffic stops with the agent.
import {FieldError, uintField} from '../../core/go-json.js'
import type {BackendModule} from '../backend-module.js'
import {DEFAULT_UDP_PORT, UDP_OVERHEAD} from './constants.js'
import {udpDiagnosis} from './diagnosis.js'
import {startUdp} from './start.js'

export const udpBackend: BackendModule = {
  type: 'udp',
  overhead: UDP_OVERHEAD,
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
  diagnosis: udpDiagnosis,
  start: startUdp,
}
