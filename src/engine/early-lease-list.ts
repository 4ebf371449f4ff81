// The agent lists the leases while it reads the config: the two reads do not depend on each
// other, and with thousands of leases the list is the longest wait of the start. The early list
// serves the first acquisition attempt only, and only while it is fresh: after a wait for the
// config (missing, invalid, etcd away) it is stale, and the acquisition lists again.
import type {LeaseList, LeaseStore} from '../core/ports.js'
import type {Clock} from './clock.js'

/** How old the early list may be when the acquisition takes it. */
export const EARLY_LIST_MAX_AGE_MS = 1000

export interface EarlyLeaseList {
  /** the list, once: pending or arrived within EARLY_LIST_MAX_AGE_MS; undefined otherwise */
  take(): Promise<LeaseList> | undefined
}

export function listLeasesEarly(store: Pick<LeaseStore, 'listLeases'>, clock: Clock): EarlyLeaseList {
  let arrivedAt: number | undefined
  let list: Promise<LeaseList> | undefined = store.listLeases().then((value) => {
    arrivedAt = clock.now()
    return value
  })
  list.catch(() => undefined) // a failed early list is simply not used
  return {
    take() {
      const taken = list
      list = undefined
      if (taken === undefined || (arrivedAt !== undefined && clock.now() - arrivedAt > EARLY_LIST_MAX_AGE_MS)) return undefined
      return taken
    },
  }
}
