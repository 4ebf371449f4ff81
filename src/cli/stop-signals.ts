// SIGINT/SIGTERM for a long-running command: the returned signal aborts (the command winds down
// and exits 0), and if anything (an etcd call, a batch in flight) still holds the process after
// exitAfterMs, it exits 0 anyway: systemd and the lab expect a stop within a second.
export function abortOnStopSignals(onSignal: (signal: NodeJS.Signals) => void, exitAfterMs = 900): AbortSignal {
  const controller = new AbortController()
  const handle = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return // a second signal: the first one's exit is on its way
    onSignal(signal)
    controller.abort()
    setTimeout(() => process.exit(0), exitAfterMs).unref()
  }
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
  return controller.signal
}
