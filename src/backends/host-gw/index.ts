// The host-gw backend: a route per peer via its public IP, no encapsulation, no options. The
// hosts must share an L2 segment, and the public IP must be the interface's own (no NAT).
import type {BackendModule} from '../backend-module.js'
import {hostGwDiagnosis} from './diagnosis.js'
import {hostGwLeaseAttrs} from './desired.js'
import {startHostGw} from './start.js'

export const hostGwBackend: BackendModule = {
  type: 'host-gw',
  overhead: 0,
  optionKeys: [],
  decodeOptions: () => ({vni: 0, port: 0, directRouting: false, mtu: 0}),
  encodeOptions: () => ({}),
  configWarnings: () => [],
  leaseAttrs: (publicIp) => hostGwLeaseAttrs(publicIp),
  diagnosis: hostGwDiagnosis,
  start: startHostGw,
}
