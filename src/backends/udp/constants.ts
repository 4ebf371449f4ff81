// The udp backend's fixed names and numbers (flannel's).
/** the TUN device */
export const TUN_DEVICE = 'flannel0'
/** Backend.Port when not given */
export const DEFAULT_UDP_PORT = 8285
/** bytes per packet: outer IPv4 20 + UDP 8 (no header of its own) */
export const UDP_OVERHEAD = 28
/** the configured Port, or flannel's default */
export const udpPort = (configured: number): number => (configured > 0 ? configured : DEFAULT_UDP_PORT)
