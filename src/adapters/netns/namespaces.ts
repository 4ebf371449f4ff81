// Network namespaces by name (/run/netns), through `ip netns`.
import {runCommand} from './run-command.js'

export async function listNetns(): Promise<string[]> {
  const {stdout} = await runCommand('ip', ['netns', 'list'])
  // lines look like "name (id: 3)" or just "name"
  return stdout.split('\n').map((line) => line.trim().split(/\s+/)[0]).filter((name): name is string => name !== undefined && name !== '')
}

export async function addNetns(name: string): Promise<void> {
  await runCommand('ip', ['netns', 'add', name])
  await runCommand('ip', ['-n', name, 'link', 'set', 'lo', 'up'])
}

/** Delete-of-absent is success. */
export async function deleteNetns(name: string): Promise<void> {
  const existing = await listNetns()
  if (existing.includes(name)) await runCommand('ip', ['netns', 'delete', name])
}

/** PIDs of the processes whose network namespace is `name`. */
export async function netnsPids(name: string): Promise<number[]> {
  const {stdout, exitCode} = await runCommand('ip', ['netns', 'pids', name], {reject: false})
  if (exitCode !== 0) return []
  return stdout.split('\n').map((line) => Number.parseInt(line.trim(), 10)).filter((pid) => Number.isInteger(pid) && pid > 0)
}

/** Writes one sysctl inside the namespace (sysctls under net/ are per namespace). */
export async function setNetnsSysctl(name: string, key: string, value: string): Promise<void> {
  await runCommand('ip', ['netns', 'exec', name, 'sysctl', '-qw', `${key}=${value}`])
}
