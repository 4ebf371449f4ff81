// Keeps the udp relay running for the agent's life: the first start (before the lease is used),
// then supervision: a relay that ends on its own is logged, takes /readyz down, and is started
// again with backoff (1 s doubling to 30 s); once back, flannel0 gets its attributes again, the
// routes' loop gets a pass (the new relay's table is empty) and /readyz comes back. The agent's
// stop ends it (flannel0 goes away with it).
import {afterFailure, backoff} from '../../core/backoff.js'
import type {BackendRunContext} from '../backend-module.js'
import type {RelayAccess} from './dataplane.js'
import type {RelayLoopOptions} from './relay/relay-fds.js'
import type {RelayStats} from './relay/relay-loop.js'
import type {UdpRelay} from './relay/relay.js'

export const RELAY_RESTART_BACKOFF = {initialMs: 1000, maxMs: 30_000, factor: 2}

export interface RelayKeeper extends RelayAccess {
  /** starts the relay; rejects when it cannot (no /dev/net/tun, the port taken) */
  start(): Promise<void>
  /** until the signal aborts; `reconfigure` gives a restarted relay's device its attributes */
  supervise(context: BackendRunContext, reconfigure: () => Promise<void>): Promise<void>
  stop(): Promise<void>
}

export function createRelayKeeper(startRelay: (options: RelayLoopOptions) => Promise<UdpRelay>, options: RelayLoopOptions): RelayKeeper {
  let relay: UdpRelay | undefined
  let stopped = false

  const stop = async (): Promise<RelayStats | undefined> => {
    const running = relay
    relay = undefined
    return running === undefined ? undefined : running.stop()
  }

  return {
    current: () => relay,
    async start() {
      if (stopped) throw new Error('the udp relay keeper has stopped')
      relay = await startRelay(options)
    },
    async supervise(context, reconfigure) {
      const {signal, log} = context
      const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), {once: true})))
      while (!signal.aborted && !stopped) {
        const running = relay
        const reason = running === undefined ? new Error('not running') : await Promise.race([running.ended, aborted.then(() => undefined)])
        if (signal.aborted || stopped) break
        relay = undefined
        context.setReady(false)
        log.error('udp relay failed', {error: reason?.message ?? 'stopped', note: 'not ready until it is back'})
        let retry = backoff(RELAY_RESTART_BACKOFF)
        while (!signal.aborted && !stopped) {
          retry = afterFailure(retry)
          await context.sleep(retry.delayMs)
          if (signal.aborted || stopped) break
          try {
            relay = await startRelay(options)
            await reconfigure()
            context.resync('relay restarted')
            context.setReady(true)
            log.info('udp relay restarted', {attempt: retry.failures})
            break
          } catch (error) {
            log.warn('udp relay restart failed', {error: (error as Error).message, retryInMs: afterFailure(retry).delayMs})
            await stop().catch(() => {})
          }
        }
      }
      // the agent stops: so does the relay, and flannel0 with it; its counters say what it carried
      const stats = await stop().catch(() => undefined)
      if (stats !== undefined) log.info('udp relay stopped', {...stats, note: 'flannel0 removed with it'})
    },
    async stop() {
      stopped = true
      await stop()
    },
  }
}
