// What the udp relay opens, in the namespace it is told to join: the TUN device flannel0
// (IFF_TUN | IFF_NO_PI, non-blocking), one UDP socket bound to the external address and Port
// (4 MiB buffers, UDP GRO when the kernel has it) and the eventfd that wakes its poll(). On a
// failure it closes what it opened and throws, naming the call and errno.
import {formatIp4} from '../../../core/ip4.js'
import {TUN_DEVICE} from '../constants.js'
import type {Libc} from './libc.js'
import {
  AF_INET, CLONE_NEWNET, EFD_CLOEXEC, EFD_NONBLOCK, IFF_NO_PI, IFF_TUN, O_CLOEXEC, O_NONBLOCK, O_RDWR, SOCKADDR_IN, SOCK_CLOEXEC, SOCK_DGRAM,
  SOCK_NONBLOCK, SOL_SOCKET, SOL_UDP, SO_RCVBUF, SO_RCVBUFFORCE, SO_SNDBUF, SO_SNDBUFFORCE, TUNSETIFF, UDP_GRO, writeSockaddr,
} from './linux-abi.js'

/** the receive buffer that keeps up under load (the default 208 KiB overflows) */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024

export interface RelayLoopOptions {
  /** the external interface's address the socket binds to (flannel binds there), unsigned 32-bit */
  bindIp: number
  port: number
  /** join this network namespace first (tests; the agent already runs in its own) */
  netnsPath?: string
}

export interface RelayFds {
  tun: number
  sock: number
  wake: number
  /** the socket delivers bursts coalesced (UDP_GRO) */
  gro: boolean
}

export function failWithErrno(libc: Libc, what: string): never {
  const errno = libc.errno()
  throw new Error(`${what}: ${libc.strerror(errno)} (errno ${errno})`)
}

export function openRelayFds(libc: Libc, options: RelayLoopOptions): RelayFds {
  const fail = (what: string): never => failWithErrno(libc, what)
  // scratch for the structs the calls take: ifreq (40 bytes), an int, a sockaddr_in
  const IFREQ = 0
  const INT_VALUE = 48
  const BIND_ADDR = 64
  const scratch = libc.malloc(128)
  const base = libc.address(scratch)
  const mem = new DataView(libc.view(scratch, 128))
  const fds: number[] = []
  try {
    if (options.netnsPath !== undefined) {
      const nsFd = libc.open(options.netnsPath, O_CLOEXEC)
      if (nsFd < 0) fail(`open ${options.netnsPath}`)
      const joined = libc.setns(nsFd, CLONE_NEWNET)
      libc.close(nsFd)
      // never go on in the namespace we were in: that would make flannel0 there
      if (joined !== 0) fail(`setns ${options.netnsPath}`)
    }

    const tun = libc.open('/dev/net/tun', O_RDWR | O_NONBLOCK | O_CLOEXEC)
    if (tun < 0) fail('open /dev/net/tun')
    fds.push(tun)
    for (let i = 0; i < 40; i++) mem.setUint8(IFREQ + i, 0)
    for (let i = 0; i < TUN_DEVICE.length; i++) mem.setUint8(IFREQ + i, TUN_DEVICE.charCodeAt(i))
    mem.setUint16(IFREQ + 16, IFF_TUN | IFF_NO_PI, true)
    if (libc.ioctl(tun, TUNSETIFF, base + IFREQ) !== 0) fail(`ioctl TUNSETIFF ${TUN_DEVICE}`)

    const sock = libc.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)
    if (sock < 0) fail('socket')
    fds.push(sock)
    mem.setInt32(INT_VALUE, SOCKET_BUFFER_BYTES, true)
    // FORCE passes rmem_max (we run as root); the plain option is the fallback
    for (const [force, plain] of [[SO_RCVBUFFORCE, SO_RCVBUF], [SO_SNDBUFFORCE, SO_SNDBUF]]) {
      if (libc.setsockopt(sock, SOL_SOCKET, force, base + INT_VALUE, 4) !== 0) libc.setsockopt(sock, SOL_SOCKET, plain, base + INT_VALUE, 4)
    }
    mem.setInt32(INT_VALUE, 1, true)
    const gro = libc.setsockopt(sock, SOL_UDP, UDP_GRO, base + INT_VALUE, 4) === 0
    writeSockaddr(mem, BIND_ADDR, options.bindIp, options.port)
    if (libc.bind(sock, base + BIND_ADDR, SOCKADDR_IN) !== 0) fail(`bind udp ${formatIp4(options.bindIp)}:${options.port}`)

    const wake = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)
    if (wake < 0) fail('eventfd')
    return {tun, sock, wake, gro}
  } catch (error) {
    for (const fd of fds) libc.close(fd)
    throw error
  } finally {
    libc.free(scratch)
  }
}
