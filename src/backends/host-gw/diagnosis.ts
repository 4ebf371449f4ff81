// What diagnose checks of host-gw: no device, no encapsulation; its next hops (the peers'
// public IPs) must be on our L2 segment; a probe through the overlay goes to the peer's
// FLANNEL_SUBNET address (its container bridge).
import {firstHost} from '../../core/ip4.js'
import type {BackendDiagnosis} from '../backend-diagnosis.js'

export const hostGwDiagnosis: BackendDiagnosis = {
  needsL2: true,
  overlayAddress: (lease) => firstHost(lease.subnet),
}
