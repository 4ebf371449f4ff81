// vxlan's numbers, as flannel has them.

/** flannel's default VNI; the device is flannel.<VNI> */
export const DEFAULT_VNI = 1
/** Port 0 in the config asks the kernel default, 8472 (Linux's, not IANA's 4789) */
export const DEFAULT_VXLAN_PORT = 8472
/** outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
export const VXLAN_OVERHEAD = 50

/** "flannel.1" */
export function vxlanDeviceName(vni: number): string {
  return `flannel.${vni}`
}
