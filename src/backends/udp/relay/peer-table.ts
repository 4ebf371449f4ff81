// The relay's routing table: which peer's PublicIP gets a packet for a destination, by longest
// prefix over the peers' subnets (flannel's udp backend does the same). One Map per prefix length,
// longest first, and the last hit cached: a TCP stream's packets all go to the same peer. Pure.

export interface RelayPeer {
  /** the peer's subnet, network address as an unsigned 32-bit number */
  subnet: number
  prefixLen: number
  /** where its packets go: PublicIP (the port is the network's) */
  publicIp: number
}

export interface PeerTable {
  readonly peers: readonly RelayPeer[]
  /** the index into peers of the longest prefix holding dst, or -1 */
  lookup(dst: number): number
}

const maskOf = (prefixLen: number): number => (prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0)

export function createPeerTable(peers: readonly RelayPeer[]): PeerTable {
  const byLength = new Map<number, Map<number, number>>()
  peers.forEach((peer, index) => {
    let nets = byLength.get(peer.prefixLen)
    if (nets === undefined) byLength.set(peer.prefixLen, (nets = new Map()))
    const net = (peer.subnet & maskOf(peer.prefixLen)) >>> 0
    if (!nets.has(net)) nets.set(net, index)
  })
  const lengths = [...byLength.keys()].sort((a, b) => b - a)
  const masks = lengths.map(maskOf)
  const tables = lengths.map((length) => byLength.get(length)!)
  let lastNet = -1
  let lastMask = 0
  let lastIndex = -1
  return {
    peers,
    lookup(dst) {
      if (lastIndex >= 0 && ((dst & lastMask) >>> 0) === lastNet) return lastIndex
      for (let i = 0; i < masks.length; i++) {
        const net = (dst & masks[i]) >>> 0
        const index = tables[i].get(net)
        if (index !== undefined) {
          // a hit is only cacheable when no longer prefix could also hold later destinations of it
          if (i === 0) {
            lastNet = net
            lastMask = masks[i]
            lastIndex = index
          }
          return index
        }
      }
      return -1
    },
  }
}
