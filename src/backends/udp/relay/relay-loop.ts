// flannel's udp relay, in a worker thread: TUN flannel0 (IFF_TUN | IFF_NO_PI) and one UDP socket
// on the external address and Port. Every IP packet read from the TUN goes whole, as one
// datagram, to the PublicIP:Port of the peer whose subnet holds its destination (longest prefix);
// every datagram received is written to the TUN. No extra header.
//
// How it is fast enough from JavaScript: every call goes through koffi with raw addresses into one
// malloc'd block laid out once (poll fds, mmsghdr/iovec arrays, packet slots), the fds are
// non-blocking, TUN reads are batched (up to BATCH packets, then one sendmmsg), and datagrams are
// received with recvmmsg. poll() has a timeout and an eventfd the agent writes to, so commands
// (new peer table, stop) are seen at once and the thread never blocks the process from exiting.
// A packet for a destination no peer holds is dropped and counted (flannel answers ICMP "network
// unreachable"; the count is in the relay's stats).
// Layouts are Linux LP64's (x86_64, arm64).
import type {Libc} from './libc.js'
import {createPeerTable, type PeerTable, type RelayPeer} from './peer-table.js'

import {TUN_DEVICE} from '../constants.js'

const O_RDWR = 0x2
const O_NONBLOCK = 0x800
const O_CLOEXEC = 0x80000
const TUNSETIFF = 0x400454ca
const IFF_TUN = 0x0001
const IFF_NO_PI = 0x1000
const AF_INET = 2
const SOCK_DGRAM = 2
const SOCK_NONBLOCK = 0x800
const SOCK_CLOEXEC = 0x80000
const SOL_SOCKET = 1
const SO_SNDBUF = 7
const SO_RCVBUF = 8
const SO_RCVBUFFORCE = 33
const SO_SNDBUFFORCE = 32
const MSG_DONTWAIT = 0x40
const MSG_TRUNC = 0x20
const EFD_NONBLOCK = 0x800
const EFD_CLOEXEC = 0x80000
const CLONE_NEWNET = 0x40000000
const POLLIN = 0x1
const POLLOUT = 0x4
const POLLERR = 0x8
const POLLHUP = 0x10
const POLLNVAL = 0x20
const EAGAIN = 11
const EINTR = 4

/** packets per batch, each direction */
const BATCH = 64
/** one slot per packet: the largest IPv4 datagram */
const SLOT = 65536
const MMSGHDR = 64
const IOVEC = 16
const SOCKADDR_IN = 16
/** the receive buffer that keeps up under load (the default 208 KiB overflows) */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024
/** poll's timeout: the longest a stop can go unseen if the eventfd write were lost */
const POLL_TIMEOUT_MS = 500

export interface RelayLoopOptions {
  /** the external interface's address the socket binds to (flannel binds there), unsigned 32-bit */
  bindIp: number
  port: number
  /** join this network namespace first (tests; the agent already runs in its own) */
  netnsPath?: string
}

export interface RelayStats {
  tunPackets: number
  udpPackets: number
  /** packets for a destination no peer holds */
  noRoute: number
  /** packets that were not IPv4, truncated datagrams, send failures */
  dropped: number
}

export interface RelayLoop {
  /** the eventfd the agent writes to, to wake poll() */
  readonly wakeFd: number
  readonly stats: RelayStats
  setPeers(peers: readonly RelayPeer[]): void
  /** moves packets until the agent writes to wakeFd (commands wait) or stop(); throws when the TUN or the socket fails */
  runUntilWoken(): void
  stop(): void
  /** closes the fds: the TUN device goes away */
  close(): void
}

export function openRelayLoop(libc: Libc, options: RelayLoopOptions): RelayLoop {
  if (process.arch !== 'x64' && process.arch !== 'arm64') throw new Error(`the udp relay knows the Linux struct layouts of x64 and arm64, not ${process.arch}`)
  const fail = (what: string): never => {
    const errno = libc.errno()
    throw new Error(`${what}: ${libc.strerror(errno)} (errno ${errno})`)
  }

  // one block: control area, then tx (TUN -> UDP) and rx (UDP -> TUN) batches
  const CONTROL = 256
  const TX_MSGS = CONTROL
  const TX_IOV = TX_MSGS + BATCH * MMSGHDR
  const RX_MSGS = TX_IOV + BATCH * IOVEC
  const RX_IOV = RX_MSGS + BATCH * MMSGHDR
  const TX_SLOTS = RX_IOV + BATCH * IOVEC
  const RX_SLOTS = TX_SLOTS + BATCH * SLOT
  const SIZE = RX_SLOTS + BATCH * SLOT
  const block = libc.malloc(SIZE)
  const base = libc.address(block)
  const mem = new DataView(libc.view(block, SIZE))
  const POLLFDS = 0
  const IFREQ = 64
  const INT_VALUE = 128
  const BIND_ADDR = 144
  const EVENT_VALUE = 176

  const fds: number[] = []
  const closeAll = (): void => {
    for (const fd of fds.splice(0)) libc.close(fd)
  }
  try {
    if (options.netnsPath !== undefined) {
      const nsFd = libc.open(options.netnsPath, O_CLOEXEC)
      if (nsFd < 0) fail(`open ${options.netnsPath}`)
      const joined = libc.setns(nsFd, CLONE_NEWNET)
      libc.close(nsFd)
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
    writeSockaddr(mem, BIND_ADDR, options.bindIp, options.port)
    if (libc.bind(sock, base + BIND_ADDR, SOCKADDR_IN) !== 0) fail(`bind udp ${formatIp(options.bindIp)}:${options.port}`)

    const wake = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)
    if (wake < 0) fail('eventfd')
    fds.push(wake)

    for (const [i, fd] of [tun, sock, wake].entries()) {
      mem.setInt32(POLLFDS + i * 8, fd, true)
      mem.setInt16(POLLFDS + i * 8 + 4, POLLIN, true)
    }
    // the fixed parts of every mmsghdr: one iovec each, pointing at its slot
    for (let i = 0; i < BATCH; i++) {
      for (const [msgs, iov, slots] of [[TX_MSGS, TX_IOV, TX_SLOTS], [RX_MSGS, RX_IOV, RX_SLOTS]]) {
        const m = msgs + i * MMSGHDR
        for (let b = 0; b < MMSGHDR; b += 8) mem.setBigUint64(m + b, 0n, true)
        mem.setBigUint64(m + 16, BigInt(base + iov + i * IOVEC), true) // msg_iov
        mem.setBigUint64(m + 24, 1n, true) // msg_iovlen
        mem.setBigUint64(iov + i * IOVEC, BigInt(base + slots + i * SLOT), true)
        mem.setBigUint64(iov + i * IOVEC + 8, BigInt(SLOT), true)
      }
    }

    const stats: RelayStats = {tunPackets: 0, udpPackets: 0, noRoute: 0, dropped: 0}
    let table: PeerTable = createPeerTable([])
    let peerBlock: unknown
    let peerBase = 0
    let stopping = false

    const drainWake = (): void => {
      libc.read(wake, base + EVENT_VALUE, 8)
    }

    /** sends tx messages [from, count) with sendmmsg, waiting for room when the socket is full */
    const sendBatch = (count: number): void => {
      let from = 0
      while (from < count) {
        const sent = libc.sendmmsg(sock, base + TX_MSGS + from * MMSGHDR, count - from, 0)
        if (sent > 0) {
          from += sent
          continue
        }
        const errno = libc.errno()
        if (errno === EAGAIN || errno === EINTR) {
          // the send buffer is full: wait for room (never long), as a blocking sendto would
          mem.setInt32(POLLFDS + 24, sock, true)
          mem.setInt16(POLLFDS + 28, POLLOUT, true)
          mem.setInt16(POLLFDS + 30, 0, true)
          libc.poll(base + POLLFDS + 24, 1, 100)
          continue
        }
        // one bad datagram (e.g. EMSGSIZE, no route to a PublicIP): skip it
        stats.dropped++
        from++
      }
    }

    /** TUN -> UDP: read until the TUN is empty or the batch is full, then one sendmmsg */
    const fromTun = (): boolean => {
      let count = 0
      while (count < BATCH) {
        const slot = TX_SLOTS + count * SLOT
        const n = libc.read(tun, base + slot, SLOT)
        // empty (EAGAIN) ends the batch; a broken device shows as POLLERR at the next poll, so
        // errno is not read here (one FFI call less per wake-up)
        if (n < 0) break
        stats.tunPackets++
        if (n < 20 || mem.getUint8(slot) >> 4 !== 4) {
          stats.dropped++
          continue
        }
        const peer = table.lookup(mem.getUint32(slot + 16))
        if (peer < 0) {
          stats.noRoute++
          continue
        }
        const m = TX_MSGS + count * MMSGHDR
        // 64-bit fields as two 32-bit halves: no BigInt per packet
        const name = peerBase + peer * SOCKADDR_IN
        mem.setUint32(m, name >>> 0, true) // msg_name
        mem.setUint32(m + 4, Math.floor(name / 0x100000000), true)
        mem.setUint32(m + 8, SOCKADDR_IN, true) // msg_namelen
        // the slot for message `count` is the one just read into; its iov_len (high half stays 0)
        mem.setUint32(TX_IOV + count * IOVEC + 8, n, true)
        count++
      }
      if (count > 0) sendBatch(count)
      return count === BATCH
    }

    /** UDP -> TUN: one recvmmsg, then one write per datagram */
    const fromUdp = (): boolean => {
      const got = libc.recvmmsg(sock, base + RX_MSGS, BATCH, MSG_DONTWAIT, 0)
      // nothing there (EAGAIN), or a queued ICMP error this call has now cleared
      if (got < 0) return false
      for (let i = 0; i < got; i++) {
        const m = RX_MSGS + i * MMSGHDR
        stats.udpPackets++
        const length = mem.getUint32(m + 56, true)
        if ((mem.getInt32(m + 48, true) & MSG_TRUNC) !== 0 || length < 20) {
          stats.dropped++
          continue
        }
        // a full TUN queue drops the packet, as the kernel does for any device
        if (libc.write(tun, base + RX_SLOTS + i * SLOT, length) < 0) stats.dropped++
      }
      return got === BATCH
    }

    return {
      wakeFd: wake,
      stats,
      setPeers(peers) {
        const size = Math.max(1, peers.length) * SOCKADDR_IN
        const next = libc.malloc(size)
        const nextBase = libc.address(next)
        const view = new DataView(libc.view(next, size))
        peers.forEach((peer, i) => writeSockaddr(view, i * SOCKADDR_IN, peer.publicIp, options.port))
        // the loop runs on this same thread: nothing is sending from the old block now
        if (peerBlock !== undefined) libc.free(peerBlock)
        peerBlock = next
        peerBase = nextBase
        table = createPeerTable(peers)
      },
      runUntilWoken() {
        while (!stopping) {
          mem.setInt16(POLLFDS + 6, 0, true)
          mem.setInt16(POLLFDS + 14, 0, true)
          mem.setInt16(POLLFDS + 22, 0, true)
          const ready = libc.poll(base + POLLFDS, 3, POLL_TIMEOUT_MS)
          if (ready < 0) {
            if (libc.errno() === EINTR) continue
            fail('poll')
          }
          if (ready === 0) continue
          const tunEvents = mem.getInt16(POLLFDS + 6, true)
          const sockEvents = mem.getInt16(POLLFDS + 14, true)
          if ((tunEvents & (POLLERR | POLLHUP | POLLNVAL)) !== 0) throw new Error(`${TUN_DEVICE} failed (poll events 0x${tunEvents.toString(16)}): the device was deleted?`)
          if ((sockEvents & (POLLERR | POLLNVAL)) !== 0) {
            // an ICMP error queued on the socket (a peer's port unreachable): recvmmsg clears it
            fromUdp()
          }
          // both directions in turns, so neither starves the other under load
          let more = true
          while (more && !stopping) {
            more = false
            if ((tunEvents & POLLIN) !== 0 && fromTun()) more = true
            if ((sockEvents & POLLIN) !== 0 && fromUdp()) more = true
          }
          if ((mem.getInt16(POLLFDS + 22, true) & POLLIN) !== 0) {
            drainWake()
            return
          }
        }
      },
      stop() {
        stopping = true
      },
      close() {
        closeAll()
        if (peerBlock !== undefined) libc.free(peerBlock)
        peerBlock = undefined
        libc.free(block)
      },
    }
  } catch (error) {
    closeAll()
    libc.free(block)
    throw error
  }
}

function writeSockaddr(view: DataView, offset: number, ip: number, port: number): void {
  view.setUint16(offset, AF_INET, true)
  view.setUint16(offset + 2, port, false)
  view.setUint32(offset + 4, ip, false)
  view.setBigUint64(offset + 8, 0n, true)
}

function formatIp(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.')
}
