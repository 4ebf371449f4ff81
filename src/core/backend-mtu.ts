// The MTU a backend leaves for the overlay: the external interface's MTU minus the bytes its
// encapsulation adds (flannel: vxlan 50, udp 28, host-gw none). FLANNEL_MTU in subnet.env.

/** Bytes of encapsulation per packet; 0 for backends that route packets unchanged. */
export function encapOverhead(backendType: string): number {
  switch (backendType) {
    case 'vxlan':
      return 50 // outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8
    case 'udp':
      return 28 // outer IPv4 20 + UDP 8
    default:
      return 0 // host-gw
  }
}

export function overlayMtu(backendType: string, externalMtu: number): number {
  return externalMtu - encapOverhead(backendType)
}
