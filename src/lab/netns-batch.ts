// Many `ip` or `bridge` commands in one namespace, in one `-batch` process.
import {runCommand} from '../adapters/netns/run-command.js'

/** One `ip -batch` process for a list of commands in one namespace. */
export async function ipBatch(netns: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return
  await runCommand('ip', ['-n', netns, '-batch', '-'], {input: lines.join('\n') + '\n', timeoutMs: 120_000})
}

/** One `bridge -batch` process. */
export async function bridgeBatch(netns: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return
  await runCommand('bridge', ['-n', netns, '-batch', '-'], {input: lines.join('\n') + '\n', timeoutMs: 120_000})
}
