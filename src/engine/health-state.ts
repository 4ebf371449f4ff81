// The agent's degraded reasons: named conditions that make it not fully ready although it runs
// (another host wrote our lease, ...). /readyz answers 503 while any is set; diagnose and the
// log show them. A reason is set and cleared by the part that knows it.
export interface DegradedReason {
  /** short and stable: "duplicate-public-ip" */
  name: string
  /** one sentence naming what and where */
  detail: string
}

export interface HealthState {
  set(name: string, detail: string): void
  clear(name: string): void
  reasons(): DegradedReason[]
}

/** `onChange` hears the whole list after each change (the health server's setDegraded). */
export function createHealthState(onChange?: (reasons: readonly DegradedReason[]) => void): HealthState {
  const byName = new Map<string, string>()
  const reasons = (): DegradedReason[] => [...byName].map(([name, detail]) => ({name, detail}))
  return {
    set(name, detail) {
      if (byName.get(name) === detail) return
      byName.set(name, detail)
      onChange?.(reasons())
    },
    clear(name) {
      if (byName.delete(name)) onChange?.(reasons())
    },
    reasons,
  }
}
