// A read made early, beside other work, for one later use while it is fresh: the leases listed
// while the config is read (early-lease-list.ts), the iptables tables saved while etcd is dialled
// (agent-process.ts). Pending or arrived within maxAgeMs: taken; older (the agent waited for etcd
// meanwhile) or taken once already: undefined, and the caller reads again.
import type {Clock} from './clock.js'

export interface EarlyRead<T> {
  /** the read, once: pending or arrived within maxAgeMs; undefined otherwise */
  take(): Promise<T> | undefined
}

export function earlyRead<T>(read: Promise<T>, clock: Pick<Clock, 'now'>, maxAgeMs: number): EarlyRead<T> {
  let arrivedAt: number | undefined
  let pending: Promise<T> | undefined = read.then((value) => {
    arrivedAt = clock.now()
    return value
  })
  pending.catch(() => undefined) // a failed early read is simply not used
  return {
    take() {
      const taken = pending
      pending = undefined
      if (taken === undefined || (arrivedAt !== undefined && clock.now() - arrivedAt > maxAgeMs)) return undefined
      return taken
    },
  }
}
