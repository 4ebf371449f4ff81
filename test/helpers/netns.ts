// Network namespaces for adapter tests: uniquely named per run (fz<role><pid><n><name>), every
// command aimed at one of them (never the root namespace), and destroy() removing exactly the
// ones this sandbox created. Call destroy() from an after() hook so it runs even on failure.
import {execa} from 'execa'

/** Adapter tests need root: fail loudly, never skip. */
export function requireRoot(what = 'this test'): void {
  const uid = process.getuid?.()
  if (uid !== 0) {
    throw new Error(`${what} creates network namespaces and must run as root (uid 0); running as uid ${uid ?? 'unknown'}`)
  }
}

export interface VethEnd {
  netns: string
  /** interface name inside the namespace (<= 15 characters) */
  name: string
  /** an address to put on it, e.g. "203.0.113.1/24" */
  cidr?: string
  mtu?: number
}

export interface NetnsSandbox {
  readonly prefix: string
  /** creates the namespace `${prefix}${short}` with lo up; returns its full name */
  addNetns(short: string): Promise<string>
  /** a veth pair between two of our namespaces, both ends up */
  addVeth(a: VethEnd, b: VethEnd): Promise<void>
  /** a bridge in one of our namespaces, up, optionally with an address */
  addBridge(netns: string, name: string, cidr?: string): Promise<void>
  /** moves an interface of ours under a bridge */
  enslave(netns: string, iface: string, bridge: string): Promise<void>
  /** `ip -n <netns> <args>`; throws with stderr on failure; returns stdout */
  ip(netns: string, ...args: string[]): Promise<string>
  /** `bridge -n <netns> <args>` */
  bridge(netns: string, ...args: string[]): Promise<string>
  /** `ip netns exec <netns> <command> <args>` */
  exec(netns: string, command: string, ...args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}>
  /** deletes every namespace this sandbox created */
  destroy(): Promise<void>
}

let sandboxes = 0

export function createNetnsSandbox(role: string): NetnsSandbox {
  const prefix = `fz${role}${process.pid}${String.fromCharCode(97 + (sandboxes++ % 26))}`
  const created = new Set<string>()

  const ours = (netns: string): string => {
    if (!created.has(netns)) throw new Error(`refusing to touch namespace ${JSON.stringify(netns)}: not created by sandbox ${prefix}`)
    return netns
  }

  const run = async (file: string, args: string[]): Promise<string> => {
    const result = await execa(file, args, {reject: false, encoding: 'utf8'})
    if (result.exitCode !== 0) {
      throw new Error(`${[file, ...args].join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.originalMessage || ''}`)
    }
    return result.stdout
  }

  const sandbox: NetnsSandbox = {
    prefix,
    async addNetns(short) {
      const name = `${prefix}${short}`
      await run('ip', ['netns', 'add', name])
      created.add(name)
      await run('ip', ['-n', name, 'link', 'set', 'lo', 'up'])
      return name
    },
    async addVeth(a, b) {
      await run('ip', ['-n', ours(a.netns), 'link', 'add', a.name, 'type', 'veth', 'peer', 'name', b.name, 'netns', ours(b.netns)])
      for (const end of [a, b]) {
        if (end.mtu !== undefined) await run('ip', ['-n', end.netns, 'link', 'set', end.name, 'mtu', String(end.mtu)])
        if (end.cidr !== undefined) await run('ip', ['-n', end.netns, 'addr', 'add', end.cidr, 'dev', end.name])
        await run('ip', ['-n', end.netns, 'link', 'set', end.name, 'up'])
      }
    },
    async addBridge(netns, name, cidr) {
      await run('ip', ['-n', ours(netns), 'link', 'add', name, 'type', 'bridge'])
      if (cidr !== undefined) await run('ip', ['-n', netns, 'addr', 'add', cidr, 'dev', name])
      await run('ip', ['-n', netns, 'link', 'set', name, 'up'])
    },
    async enslave(netns, iface, bridge) {
      await run('ip', ['-n', ours(netns), 'link', 'set', iface, 'master', bridge])
    },
    ip: (netns, ...args) => run('ip', ['-n', ours(netns), ...args]),
    bridge: (netns, ...args) => run('bridge', ['-n', ours(netns), ...args]),
    async exec(netns, command, ...args) {
      const result = await execa('ip', ['netns', 'exec', ours(netns), command, ...args], {reject: false, encoding: 'utf8'})
      return {exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr}
    },
    async destroy() {
      const errors: string[] = []
      for (const name of [...created].reverse()) {
        const result = await execa('ip', ['netns', 'del', name], {reject: false, encoding: 'utf8'})
        if (result.exitCode === 0 || /No such file/.test(result.stderr)) created.delete(name)
        else errors.push(`${name}: ${result.stderr.trim()}`)
      }
      if (errors.length > 0) throw new Error(`could not remove test namespaces: ${errors.join('; ')}`)
    },
  }
  return sandbox
}
