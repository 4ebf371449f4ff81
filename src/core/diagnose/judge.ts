// A judge: one check's verdict from the snapshot. The per-layer files export a record of them.
import type {Verdict} from './check-result.js'
import type {DiagnoseSnapshot, Gathered, LeaseFact} from './snapshot.js'

export type Judge = (s: DiagnoseSnapshot) => Verdict
export type Judges = Record<string, Judge>

/** The gathered value, or the reason it is missing (for a skip). */
export function gathered<T>(part: Gathered<T> | undefined, what: string): {value: T} | {reason: string} {
  if (part === undefined) return {reason: `${what} not gathered`}
  return part.ok ? {value: part.value} : {reason: part.reason}
}

/** The lease this host uses: the first of ownKeys (gather puts subnet.env's first). */
export function ownLease(s: DiagnoseSnapshot): LeaseFact | undefined {
  if (!s.leases?.ok) return undefined
  const key = s.leases.value.ownKeys[0]
  return s.leases.value.leases.find((l) => l.key === key)
}
