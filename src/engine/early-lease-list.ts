// The agent lists the leases while it reads the config: the two reads do not depend on each
// other, and with thousands of leases the list is the longest wait of the start. The early list
// serves the first acquisition attempt only, and only while it is fresh: after a wait for the
// config (missing, invalid, etcd away) it is stale, and the acquisition lists again.
import type {LeaseList, LeaseStore} from '../core/ports.js'
import type {Clock} from './clock.js'
import {earlyRead, type EarlyRead} from './early-read.js'

/** How old the early list may be when the acquisition takes it. */
export const EARLY_LIST_MAX_AGE_MS = 1000

export type EarlyLeaseList = EarlyRead<LeaseList>

export function listLeasesEarly(store: Pick<LeaseStore, 'listLeases'>, clock: Clock): EarlyLeaseList {
  return earlyRead(store.listLeases(), clock, EARLY_LIST_MAX_AGE_MS)
}
