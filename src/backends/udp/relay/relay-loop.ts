// flannel's udp relay, in a worker thread: TUN flannel0 and one UDP socket (relay-fds.ts opens them)
// on the external address and Port. Every IP packet read from the TUN goes whole, as one
// datagram, to the PublicIP:Port of the peer whose subnet holds its destination (longest prefix);
// every datagram received is written to the TUN. No extra header.
//
// How it is fast enough from JavaScript: every call goes through koffi with raw addresses into one
// malloc'd block laid out once (poll fds, mmsghdr/iovec arrays, packet slots), the fds are
// non-blocking, TUN reads are batched (up to BATCH packets, then one sendmmsg, runs of same-sized
// packets to one peer as one UDP GSO message each: the kernel cuts it into one datagram per
// packet), and datagrams are received with recvmmsg and UDP GRO (a burst as one buffer, written
// back to the TUN one packet at a time). poll() has a timeout and an eventfd the agent writes to, so commands
// (new peer table, stop) are seen at once and the thread never blocks the process from exiting.
// A packet for a destination no peer holds is dropped and counted (flannel answers ICMP "network
// unreachable"; the count is in the relay's stats).
// Layouts are Linux LP64's (x86_64, arm64).
import type {Libc} from './libc.js'
import {TUN_DEVICE} from '../constants.js'
import {
  CMSG_SPACE_INT, EAGAIN, EINTR, EINVAL, EIO, ENOTSUPP, EOPNOTSUPP, IOVEC, MMSGHDR, MSG_DONTWAIT, MSG_TRUNC, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, SOCKADDR_IN, SOL_UDP, UDP_GRO, UDP_SEGMENT, writeSockaddr,
} from './linux-abi.js'
import {createPeerTable, type PeerTable, type RelayPeer} from './peer-table.js'
import {failWithErrno, openRelayFds, type RelayFds, type RelayLoopOptions} from './relay-fds.js'

/** packets per batch, each direction */
const BATCH = 64
/** one slot per packet: the largest IPv4 datagram */
const SLOT = 65536
/** room for one cmsg carrying an int, rounded up */
const CMSG_SLOT = 32
/** one GSO send stays under the 64 KiB IP datagram */
const GSO_MAX_BYTES = 65000
const GSO_MAX_SEGMENTS = 64
/** poll's timeout: the longest a stop can go unseen if the eventfd write were lost */
const POLL_TIMEOUT_MS = 500
/** full batches moved between two polls */
const MAX_ROUNDS = 16


export interface RelayStats {
  tunPackets: number
  udpPackets: number
  /** packets for a destination no peer holds */
  noRoute: number
  /** packets that were not IPv4, truncated datagrams, send failures */
  dropped: number
}

export interface RelayLoop {
  /** the eventfd the agent writes to, to wake poll(); once `run` has been told it, the agent closes it (after the thread has ended, so the number is never another file's while the agent may still write to it) */
  readonly wakeFd: number
  readonly stats: RelayStats
  setPeers(peers: readonly RelayPeer[]): void
  /** moves packets until the agent writes to wakeFd (commands wait) or stop(); throws when the TUN or the socket fails */
  runUntilWoken(): void
  stop(): void
  /** closes the TUN (the device goes away) and the socket; the eventfd is the agent's to close */
  close(): void
}

export function openRelayLoop(libc: Libc, options: RelayLoopOptions): RelayLoop {
  if (process.arch !== 'x64' && process.arch !== 'arm64') throw new Error(`the udp relay knows the Linux struct layouts of x64 and arm64, not ${process.arch}`)
  const fail = (what: string): never => failWithErrno(libc, what)

  // one block: control area, then tx (TUN -> UDP) and rx (UDP -> TUN) batches
  const CONTROL = 256
  const TX_MSGS = CONTROL
  const TX_IOV = TX_MSGS + BATCH * MMSGHDR
  const TX_CTRL = TX_IOV + BATCH * IOVEC
  const RX_MSGS = TX_CTRL + BATCH * CMSG_SLOT
  const RX_IOV = RX_MSGS + BATCH * MMSGHDR
  const RX_CTRL = RX_IOV + BATCH * IOVEC
  const TX_SLOTS = RX_CTRL + BATCH * CMSG_SLOT
  const RX_SLOTS = TX_SLOTS + BATCH * SLOT
  const SIZE = RX_SLOTS + BATCH * SLOT
  const block = libc.malloc(SIZE)
  const base = libc.address(block)
  const mem = new DataView(libc.view(block, SIZE))
  const POLLFDS = 0
  const EVENT_VALUE = 176

  let opened: RelayFds
  try {
    opened = openRelayFds(libc, options)
  } catch (error) {
    libc.free(block)
    throw error
  }
  const {tun, sock, wake, gro} = opened
  const fds = [tun, sock, wake]
  const closeAll = (): void => {
    for (const fd of fds.splice(0)) libc.close(fd)
  }
  try {
    for (const [i, fd] of [tun, sock, wake].entries()) {
      mem.setInt32(POLLFDS + i * 8, fd, true)
      mem.setInt16(POLLFDS + i * 8 + 4, POLLIN, true)
    }
    // every slot has its iovec; an rx message has one, a tx message the run of them it sends
    for (let i = 0; i < BATCH; i++) {
      for (const [msgs, iov, slots] of [[TX_MSGS, TX_IOV, TX_SLOTS], [RX_MSGS, RX_IOV, RX_SLOTS]]) {
        const m = msgs + i * MMSGHDR
        for (let b = 0; b < MMSGHDR; b += 8) mem.setBigUint64(m + b, 0n, true)
        mem.setBigUint64(m + 16, BigInt(base + iov + i * IOVEC), true) // msg_iov
        mem.setBigUint64(m + 24, 1n, true) // msg_iovlen
        mem.setBigUint64(iov + i * IOVEC, BigInt(base + slots + i * SLOT), true)
        mem.setBigUint64(iov + i * IOVEC + 8, BigInt(SLOT), true)
      }
      const rx = RX_MSGS + i * MMSGHDR
      if (gro) mem.setBigUint64(rx + 32, BigInt(base + RX_CTRL + i * CMSG_SLOT), true) // msg_control
      // a tx message's cmsg: UDP_SEGMENT with the segment size (filled per send)
      const c = TX_CTRL + i * CMSG_SLOT
      mem.setBigUint64(c, 18n, true) // cmsg_len = CMSG_LEN(sizeof(uint16_t))
      mem.setInt32(c + 8, SOL_UDP, true)
      mem.setInt32(c + 12, UDP_SEGMENT, true)
    }
    // rx: how long each message's control buffer is (the kernel shortens it per datagram)
    const resetRxControl = (count: number): void => {
      if (gro) for (let i = 0; i < count; i++) mem.setUint32(RX_MSGS + i * MMSGHDR + 40, CMSG_SPACE_INT, true)
    }
    resetRxControl(BATCH)

    const stats: RelayStats = {tunPackets: 0, udpPackets: 0, noRoute: 0, dropped: 0}
    let table: PeerTable = createPeerTable([])
    let peerBlock: unknown
    let peerBase = 0
    let stopping = false
    // UDP GSO: a run of same-sized packets to one peer leaves in one send, the kernel cuts it
    // into one datagram per packet (the wire is the same); off for good if the kernel refuses it
    let gso = true
    const peerOf = new Int32Array(BATCH)
    const lengthOf = new Int32Array(BATCH)
    /** packets in each tx message */
    const segmentsOf = new Int32Array(BATCH)

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
        const segments = segmentsOf[from]!
        // the kernel or the device does not do UDP GSO: packets one by one from now on
        if (segments > 1 && (errno === EIO || errno === EINVAL || errno === EOPNOTSUPP || errno === ENOTSUPP)) gso = false
        // one bad message (e.g. EMSGSIZE, no route to a PublicIP): its packets are dropped
        stats.dropped += segments
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
        // slot `count` was just read into: its iov_len (high half stays 0)
        mem.setUint32(TX_IOV + count * IOVEC + 8, n, true)
        peerOf[count] = peer
        lengthOf[count] = n
        count++
      }
      if (count === 0) return false
      // messages: runs of packets to one peer, all of the first one's size but the last (GSO's rule)
      let messages = 0
      for (let first = 0; first < count; ) {
        const peer = peerOf[first]!
        const size = lengthOf[first]!
        let end = first + 1
        let bytes = size
        if (gso) {
          while (end < count && peerOf[end] === peer && end - first < GSO_MAX_SEGMENTS && bytes + lengthOf[end]! <= GSO_MAX_BYTES && lengthOf[end]! <= size) {
            bytes += lengthOf[end]!
            end++
            if (lengthOf[end - 1]! < size) break
          }
        }
        const m = TX_MSGS + messages * MMSGHDR
        // 64-bit fields as two 32-bit halves: no BigInt per packet
        const name = peerBase + peer * SOCKADDR_IN
        mem.setUint32(m, name >>> 0, true) // msg_name
        mem.setUint32(m + 4, Math.floor(name / 0x100000000), true)
        mem.setUint32(m + 8, SOCKADDR_IN, true) // msg_namelen
        const iov = base + TX_IOV + first * IOVEC
        mem.setUint32(m + 16, iov >>> 0, true) // msg_iov
        mem.setUint32(m + 20, Math.floor(iov / 0x100000000), true)
        mem.setUint32(m + 24, end - first, true) // msg_iovlen
        if (end - first > 1) {
          const c = TX_CTRL + messages * CMSG_SLOT
          mem.setUint16(c + 16, size, true)
          const control = base + c
          mem.setUint32(m + 32, control >>> 0, true) // msg_control
          mem.setUint32(m + 36, Math.floor(control / 0x100000000), true)
          mem.setUint32(m + 40, CMSG_SPACE_INT, true) // msg_controllen
        } else {
          mem.setUint32(m + 32, 0, true)
          mem.setUint32(m + 36, 0, true)
          mem.setUint32(m + 40, 0, true)
        }
        segmentsOf[messages] = end - first
        messages++
        first = end
      }
      sendBatch(messages)
      return count === BATCH
    }

    /** UDP -> TUN: one recvmmsg, then one write per datagram */
    const fromUdp = (): boolean => {
      const got = libc.recvmmsg(sock, base + RX_MSGS, BATCH, MSG_DONTWAIT, 0)
      // nothing there (EAGAIN), or a queued ICMP error this call has now cleared
      if (got < 0) return false
      for (let i = 0; i < got; i++) {
        const m = RX_MSGS + i * MMSGHDR
        const length = mem.getUint32(m + 56, true)
        if ((mem.getInt32(m + 48, true) & MSG_TRUNC) !== 0 || length < 20) {
          stats.udpPackets++
          stats.dropped++
          continue
        }
        // GRO: datagrams of `segment` bytes each (the last may be shorter), one packet each
        let segment = length
        if (gro && mem.getUint32(m + 40, true) >= 20) {
          const c = RX_CTRL + i * CMSG_SLOT
          if (mem.getInt32(c + 8, true) === SOL_UDP && mem.getInt32(c + 12, true) === UDP_GRO) segment = mem.getInt32(c + 16, true) || length
        }
        const slot = base + RX_SLOTS + i * SLOT
        for (let offset = 0; offset < length; offset += segment) {
          stats.udpPackets++
          // a full TUN queue drops the packet, as the kernel does for any device
          if (libc.write(tun, slot + offset, Math.min(segment, length - offset)) < 0) stats.dropped++
        }
      }
      resetRxControl(got)
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
          // both directions in turns, so neither starves the other under load; back to poll after
          // a few full rounds, so that a command (the eventfd) is never starved either
          let more = true
          for (let round = 0; more && round < MAX_ROUNDS; round++) {
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
        fds.splice(fds.indexOf(wake), 1)
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
