// grpc-js (1.14) does not end a TCP connect in progress when its channel closes, and may even
// start one just after (its connector was already waiting): against an endpoint that drops
// packets (a firewall DROP) such a socket lives until the kernel gives up on its SYNs (about
// 130 s) and keeps the process alive that long. node's `net.client.socket` diagnostics channel
// sees every TCP socket the process opens, and its first `connectionAttempt` says where it goes:
// a socket dialling one of a client's endpoints belongs to that client. Closing the client
// destroys those still connecting, and, for a short while, any opened afterwards to an endpoint
// no open client uses (the endpoint probes, which end their sockets themselves, are left alone).
// An async context per client would say it exactly, but AsyncLocalStorage makes every promise of
// the process slower: a fifth of `subnets ls`.
import {subscribe} from 'node:diagnostics_channel'
import type {Socket} from 'node:net'

export interface ConnectingSockets {
  /** destroys this client's sockets that are still connecting, and late ones to its endpoints */
  destroyConnecting(): void
}

/** How long after a close a new connect to the closed client's endpoints is still its own. */
const LATE_CONNECT_MS = 2000

interface Endpoint {
  host: string
  port: number
}

interface Client {
  endpoints: Endpoint[]
  sockets: Set<Socket>
  closedAt?: number
}

const clients = new Set<Client>()
let subscribed = false

/** Sockets whose opener ends them itself (the endpoint probes, with their own bound). */
const selfManaged = new WeakSet<Socket>()

/** Leaves `socket` alone: its opener destroys it when its own time is up. */
export function managesItsOwnEnd(socket: Socket): Socket {
  selfManaged.add(socket)
  return socket
}

/** An IP literal must match the address dialled; a name is resolved by someone else, so its port decides. */
function dials(client: Client, ip: string, port: number): boolean {
  return client.endpoints.some((e) => e.port === port && (e.host === ip || !/^[\d.]+$|:/.test(e.host)))
}

function onAttempt(socket: Socket, ip: string, port: number): void {
  if (selfManaged.has(socket)) return
  const now = Date.now()
  let owner: Client | undefined
  let lateOnly = true
  for (const client of clients) {
    if (client.closedAt !== undefined && now - client.closedAt > LATE_CONNECT_MS) {
      clients.delete(client)
      continue
    }
    if (!dials(client, ip, port)) continue
    if (client.closedAt === undefined) {
      owner ??= client
      lateOnly = false
    }
  }
  if (owner !== undefined) {
    owner.sockets.add(socket)
    socket.once('connect', () => owner!.sockets.delete(socket))
    socket.once('close', () => owner!.sockets.delete(socket))
    return
  }
  // only a client closed a moment ago dials here: grpc's connect that came after its close
  // (destroyed once net has begun it: the attempt is announced just before the connect call)
  if (lateOnly && [...clients].some((c) => dials(c, ip, port))) process.nextTick(() => socket.destroy())
}

function onSocket(message: unknown): void {
  if (clients.size === 0) return
  const socket = (message as {socket: Socket}).socket
  socket.once('connectionAttempt', (ip: string, port: number) => onAttempt(socket, ip, port))
}

/** Notes the TCP sockets that dial `endpoints` (URLs) from now on, until the client closes. */
export function noteConnectingSockets(endpoints: readonly string[]): ConnectingSockets {
  if (!subscribed) {
    subscribe('net.client.socket', onSocket)
    subscribed = true
  }
  const client: Client = {
    endpoints: endpoints.map((url) => {
      const parsed = new URL(url)
      return {host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80))}
    }),
    sockets: new Set(),
  }
  clients.add(client)
  return {
    destroyConnecting() {
      client.closedAt = Date.now()
      for (const socket of client.sockets) if (socket.connecting) socket.destroy()
      client.sockets.clear()
    },
  }
}
