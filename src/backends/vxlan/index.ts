// The vxlan backend: flannel.<VNI>, one fdb entry, neighbour and route per peer (or a direct
// route with DirectRouting). Its config options are VNI (default 1; up to 24 bits in the device,
// 16 in the lease), Port (0: the kernel's 8472), DirectRouting and MTU (the underlay MTU to assume).
import {boolField, FieldError, uintField} from '../../core/go-json.js'
import type {BackendModule} from '../backend-module.js'
import {vxlanDiagnosis} from './diagnosis.js'
import {DEFAULT_VNI, VXLAN_OVERHEAD} from './constants.js'
import {vxlanLeaseAttrs} from './lease-data.js'
import {startVxlan} from './start.js'

export const vxlanBackend: BackendModule = {
  type: 'vxlan',
  overhead: VXLAN_OVERHEAD,
  optionKeys: ['VNI', 'Port', 'DirectRouting', 'MTU'],
  decodeOptions(fields) {
    const vni = fields.has('vni') && fields.get('vni') !== null ? uintField(fields, 'VNI', 'Backend.') : DEFAULT_VNI
    if (vni > 0xffffff) throw new FieldError(`Backend.VNI: ${vni} is out of range (0..16777215)`)
    const port = uintField(fields, 'Port', 'Backend.')
    if (port > 65535) throw new FieldError(`Backend.Port: ${port} is out of range (0..65535)`)
    return {vni, port, directRouting: boolField(fields, 'DirectRouting', false), mtu: uintField(fields, 'MTU', 'Backend.')}
  },
  encodeOptions(backend) {
    const out: Record<string, unknown> = {VNI: backend.vni}
    if (backend.port !== 0) out.Port = backend.port
    if (backend.directRouting) out.DirectRouting = true
    if (backend.mtu !== 0) out.MTU = backend.mtu
    return out
  },
  configWarnings(backend) {
    if (backend.vni <= 0xffff) return []
    return [`Backend.VNI ${backend.vni} does not fit in flannel's lease (a 16-bit VNI): flanneld peers will see VNI ${backend.vni & 0xffff}`]
  },
  leaseAttrs: (publicIp, backend, vtepMac) => vxlanLeaseAttrs(publicIp, {vni: backend.vni, vtepMac}),
  diagnosis: vxlanDiagnosis,
  start: startVxlan,
}
