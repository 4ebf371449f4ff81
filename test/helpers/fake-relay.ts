// The udp relay, faked for the engine tests: it starts (or fails to), keeps the table it is
// given, and ends when the test says so, as a worker that died would.
import type {RelayPeer} from '../../src/backends/udp/relay/peer-table.js'
import type {UdpRelay} from '../../src/backends/udp/relay/relay.js'

export interface FakeRelay extends UdpRelay {
  /** the worker died */
  die(reason: string): void
  stopped: boolean
}

export interface FakeRelays {
  /** every relay started, in order */
  started: FakeRelay[]
  /** the next starts fail with this message, while set */
  failStarts?: string
  start(): Promise<UdpRelay>
}

export function fakeRelays(): FakeRelays {
  const relays: FakeRelays = {
    started: [],
    async start() {
      if (relays.failStarts !== undefined) throw new Error(relays.failStarts)
      let end!: (reason: Error | undefined) => void
      const ended = new Promise<Error | undefined>((resolve) => (end = resolve))
      let peers: readonly RelayPeer[] = []
      const relay: FakeRelay = {
        get peers() {
          return peers
        },
        stopped: false,
        setPeers: async (next) => {
          if (relay.stopped) throw new Error('the relay has stopped')
          peers = next.map((p) => ({...p}))
        },
        ended,
        die: (reason) => {
          relay.stopped = true
          end(new Error(reason))
        },
        stop: async () => {
          relay.stopped = true
          end(undefined)
          return {tunPackets: 3, udpPackets: 2, noRoute: 1, dropped: 0}
        },
      }
      relays.started.push(relay)
      return relay
    },
  }
  return relays
}
