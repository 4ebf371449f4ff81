// The body of `flanctl up` (src/commands/up.ts) after its flags are parsed: start the agent, and
// report how it ended.
import {createLogger, jsonLine, type LogFormat} from '../adapters/log/logger.js'
import type {AgentResult} from '../engine/agent.js'
import {agentOptionsFromFlags} from './agent-flags.js'
import {errorText} from './output.js'
import type {Painter} from './painter.js'
import {abortOnStopSignals} from './stop-signals.js'
import {storeFromFlags} from './store-from-flags.js'
import {toFlanctlError} from './to-flanctl-error.js'
import type {UpFlagValues} from './up-flags.js'

export interface UpHooks {
  /** called once, when the routes' first pass is done: the start is over */
  onStarted?: () => void
}

/** Runs the agent until SIGINT/SIGTERM (resolves) or a failure (throws). `argv` tells flags from FLANNELD_* variables in errors. */
export async function runUp(flags: UpFlagValues, argv: readonly string[], hooks: UpHooks = {}): Promise<AgentResult> {
  const log = createLogger({format: flags['log-format'] as LogFormat})
  const signal = abortOnStopSignals((name) => log.info('signal received', {signal: name}))
  // both loads are slow (etcd3 and grpc; the agent's modules): side by side. An etcd that is
  // down at start is waited for, as flanneld does: the agent retries its first read.
  const [store, {runAgentProcess}] = await Promise.all([storeFromFlags(flags, argv, {proveConnection: false}), import('../engine/agent-process.js')])
  return runAgentProcess(
    {...agentOptionsFromFlags(flags), healthzIp: flags['healthz-ip'], healthzPort: flags['healthz-port']},
    {store, log, signal, onStarted: hooks.onStarted},
  )
}

/**
 * Prints why the agent stopped, in its log format (json: one log line; plain: flanctl's error
 * text), and sets the exit code. A stuck etcd connection must not keep a failed agent alive, so
 * the process exits within a second whatever still holds it.
 */
export function reportUpFailure(err: unknown, logFormat: LogFormat, paint: Painter): void {
  const error = toFlanctlError(err)
  process.exitCode = error.exitCode
  setTimeout(() => process.exit(error.exitCode), 1000).unref()
  if (logFormat === 'json') process.stderr.write(`${jsonLine(new Date(), 'error', 'stopped', {code: error.code, error: error.message, hint: error.hint})}\n`)
  else process.stderr.write(errorText(error, paint))
}
