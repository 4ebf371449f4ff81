// grpc-js (1.14) does not end a TCP connect in progress when its channel closes, and may even
// start one just after (its connector was already waiting): against an endpoint that drops
// packets (a firewall DROP) such a socket lives until the kernel gives up on its SYNs (about
// 130 s) and keeps the process alive that long. An etcd client's work runs inside its own async
// context (`within`); node's `net.client.socket` diagnostics channel tells which TCP sockets were
// opened from that context; closing destroys those still connecting, and any opened later.
import {AsyncLocalStorage} from 'node:async_hooks'
import {subscribe} from 'node:diagnostics_channel'
import type {Socket} from 'node:net'

export interface ConnectingSockets {
  /** runs fn so that the TCP sockets it (and what it starts) opens are noted */
  within<T>(fn: () => T): T
  /** destroys the noted sockets that are still connecting, and every one opened from now on */
  destroyConnecting(): void
}

interface Owner {
  sockets: Set<Socket>
  closed: boolean
}

const owners = new AsyncLocalStorage<Owner>()
let subscribed = false

function onSocket(message: unknown): void {
  const owner = owners.getStore()
  if (owner === undefined) return
  const socket = (message as {socket: Socket}).socket
  if (owner.closed) {
    // net.connect goes on to connect this socket: destroy it once that has begun
    process.nextTick(() => socket.destroy())
    return
  }
  owner.sockets.add(socket)
  socket.once('connect', () => owner.sockets.delete(socket))
  socket.once('close', () => owner.sockets.delete(socket))
}

export function noteConnectingSockets(): ConnectingSockets {
  if (!subscribed) {
    subscribe('net.client.socket', onSocket)
    subscribed = true
  }
  const owner: Owner = {sockets: new Set(), closed: false}
  return {
    within: (fn) => owners.run(owner, fn),
    destroyConnecting() {
      owner.closed = true
      for (const socket of owner.sockets) if (socket.connecting) socket.destroy()
      owner.sockets.clear()
    },
  }
}

/** For a process that ends itself once its store is closed: nothing noted, nothing ended. */
export const untrackedSockets: ConnectingSockets = {within: (fn) => fn(), destroyConnecting: () => {}}
