// The Linux constants and struct layouts the udp relay passes to libc (LP64: x86_64, arm64), in
// one place, and the one struct it fills by hand more than once (sockaddr_in).
export const O_RDWR = 0x2
export const O_NONBLOCK = 0x800
export const O_CLOEXEC = 0x80000
export const TUNSETIFF = 0x400454ca
export const IFF_TUN = 0x0001
export const IFF_NO_PI = 0x1000
export const AF_INET = 2
export const SOCK_DGRAM = 2
export const SOCK_NONBLOCK = 0x800
export const SOCK_CLOEXEC = 0x80000
export const SOL_SOCKET = 1
export const SO_SNDBUF = 7
export const SO_RCVBUF = 8
export const SO_RCVBUFFORCE = 33
export const SO_SNDBUFFORCE = 32
export const MSG_DONTWAIT = 0x40
export const MSG_TRUNC = 0x20
export const SOL_UDP = 17
export const UDP_SEGMENT = 103
export const UDP_GRO = 104
export const EIO = 5
export const EINVAL = 22
export const EOPNOTSUPP = 95
/** the kernel's own ENOTSUPP, which UDP GSO answers on some devices */
export const ENOTSUPP = 524
export const EFD_NONBLOCK = 0x800
export const EFD_CLOEXEC = 0x80000
export const CLONE_NEWNET = 0x40000000
export const POLLIN = 0x1
export const POLLOUT = 0x4
export const POLLERR = 0x8
export const POLLHUP = 0x10
export const POLLNVAL = 0x20
export const EAGAIN = 11
export const EINTR = 4

/** sizeof(struct mmsghdr), struct iovec, struct sockaddr_in */
export const MMSGHDR = 64
export const IOVEC = 16
export const SOCKADDR_IN = 16
/** CMSG_SPACE(sizeof(int)) */
export const CMSG_SPACE_INT = 24

export function writeSockaddr(view: DataView, offset: number, ip: number, port: number): void {
  view.setUint16(offset, AF_INET, true)
  view.setUint16(offset + 2, port, false)
  view.setUint32(offset + 4, ip, false)
  view.setBigUint64(offset + 8, 0n, true)
}
