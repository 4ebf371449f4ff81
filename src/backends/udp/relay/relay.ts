// The agent's side of the udp relay: starts the worker thread (the packet loop never runs on the
// agent's event loop), hands it peer tables and waits for them to take effect, stops it. A relay
// whose worker ends on its own says so through `ended` (the supervisor restarts it).
import {closeSync, writeSync} from 'node:fs'
import {MessageChannel, Worker} from 'node:worker_threads'
import type {RelayLoopOptions} from './relay-fds.js'
import type {RelayStats} from './relay-loop.js'
import type {RelayCommand, RelayReport} from './relay-messages.js'
import type {RelayPeer} from './peer-table.js'

export interface UdpRelay {
  /** the table the relay forwards with now (empty after a start) */
  readonly peers: readonly RelayPeer[]
  /** resolves once the relay forwards with `peers` */
  setPeers(peers: readonly RelayPeer[]): Promise<void>
  /** resolves when the worker has ended: undefined after stop(), the reason otherwise */
  readonly ended: Promise<Error | undefined>
  /** ends the worker (closing the TUN: flannel0 goes away); its counters, when it could say */
  stop(): Promise<RelayStats | undefined>
}

/**
 * dist/udp-relay-worker.js in the build (chunks are in dist/chunks/); under tsx (tests), the
 * source, with tsx registered in the worker first (node 20 does not carry --import into workers).
 */
function workerUrl(): URL {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new URL('../udp-relay-worker.js', here)
  const source = new URL('./relay-worker.ts', here).href
  const tsx = import.meta.resolve('tsx/esm/api')
  const code = `const {register} = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(source)})`
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`)
}

const WAKE = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0])

export function startUdpRelay(options: RelayLoopOptions): Promise<UdpRelay> {
  const {port1: port, port2: workerPort} = new MessageChannel()
  const worker = new Worker(workerUrl(), {workerData: {...options, commands: workerPort}, transferList: [workerPort]})
  let wakeFd = -1
  let current: readonly RelayPeer[] = []
  let generation = 0
  let stats: RelayStats | undefined
  let stopping = false
  let exited = false
  const waiting = new Map<number, {peers: readonly RelayPeer[]; resolve: () => void; reject: (error: Error) => void}>()
  let failure: Error | undefined

  const send = (command: RelayCommand): void => {
    // after the exit the eventfd's number may be another file's
    if (exited) throw new Error('the relay has stopped')
    port.postMessage(command)
    // wake poll(): the worker reads its port only between bursts
    writeSync(wakeFd, WAKE)
  }

  const ended = new Promise<Error | undefined>((resolve) => {
    worker.on('error', (error) => (failure = error))
    worker.on('exit', (code) => {
      exited = true
      port.close()
      // the worker leaves the eventfd open: closed here, after the last write to it can happen
      if (wakeFd >= 0) closeSync(wakeFd)
      const reason = stopping && failure === undefined ? undefined : failure ?? new Error(`the relay's worker exited with code ${code}`)
      for (const wait of waiting.values()) wait.reject(reason ?? new Error('the relay stopped'))
      waiting.clear()
      resolve(reason)
    })
  })

  return new Promise<UdpRelay>((resolveStart, rejectStart) => {
    void ended.then((reason) => rejectStart(reason ?? new Error('the relay stopped before it was ready')))
    port.on('message', (report: RelayReport) => {
      if (report.type === 'ready') {
        wakeFd = report.wakeFd
        resolveStart(relay)
      } else if (report.type === 'peers-set') {
        const wait = waiting.get(report.generation)
        waiting.delete(report.generation)
        if (wait !== undefined) {
          current = wait.peers
          wait.resolve()
        }
      } else stats = report.stats
    })
    const relay: UdpRelay = {
      get peers() {
        return current
      },
      setPeers(peers) {
        if (stopping || exited) return Promise.reject(new Error('the relay has stopped'))
        const copy = peers.map((p) => ({...p}))
        return new Promise<void>((resolve, reject) => {
          waiting.set(++generation, {peers: copy, resolve, reject})
          send({type: 'peers', generation, peers: copy})
        })
      },
      ended,
      async stop() {
        if (!stopping && !exited) {
          stopping = true
          send({type: 'stop'})
        }
        await ended
        return stats
      },
    }
  })
}
