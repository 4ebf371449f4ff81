// systemd's readiness protocol: a datagram "READY=1" on the unix socket named by $NOTIFY_SOCKET.
// Node has no unix datagram sockets, so a helper process sends it: `systemd-notify` (Debian's
// systemd package), else python3. Under NotifyAccess=main (the default for Type=notify) systemd
// only accepts a message whose sender PID is the main PID: systemd-notify (v246+) and the python
// fallback, both running as root, send it with our PID in the credentials, not their own.
import {FlanctlError} from '../../core/errors.js'

export type NotifyOutcome = 'sent' | 'no-socket'

// Sends argv[1] to $NOTIFY_SOCKET ("@name" is an abstract socket), with the parent's PID as the
// sender when allowed (root), otherwise its own.
const PYTHON_NOTIFY = `
import os, socket, struct, sys
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
msg = sys.argv[1].encode()
try:
    creds = struct.pack("3i", os.getppid(), os.getuid(), os.getgid())
    s.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)], 0, addr)
except PermissionError:
    s.sendto(msg, addr)
`

/**
 * Sends state lines (e.g. ["READY=1", "STATUS=..."]) to the service manager. Without
 * $NOTIFY_SOCKET (not started by systemd with Type=notify) it does nothing.
 */
export async function sdNotify(states: string[], env: NodeJS.ProcessEnv = process.env): Promise<NotifyOutcome> {
  const socket = env.NOTIFY_SOCKET
  if (socket === undefined || socket === '') return 'no-socket'
  // loaded only with a socket to send to: without systemd the agent never pays for execa's ~150 modules
  const {execa} = await import('execa')
  const childEnv = {...env, NOTIFY_SOCKET: socket}
  const failures: string[] = []
  try {
    await execa('systemd-notify', states, {env: childEnv, extendEnv: false, timeout: 5000, stdin: 'ignore'})
    return 'sent'
  } catch (error) {
    failures.push(`systemd-notify: ${describe(error)}`)
  }
  try {
    await execa('python3', ['-c', PYTHON_NOTIFY, states.join('\n')], {env: childEnv, extendEnv: false, timeout: 5000, stdin: 'ignore'})
    return 'sent'
  } catch (error) {
    failures.push(`python3: ${describe(error)}`)
  }
  throw new FlanctlError('E_SYSTEM', `cannot notify systemd on NOTIFY_SOCKET=${socket}: ${failures.join('; ')}`, {
    hint: 'Install systemd (systemd-notify) or python3, or use Type=simple in the unit.',
  })
}

export function notifyReady(status: string, env?: NodeJS.ProcessEnv): Promise<NotifyOutcome> {
  return sdNotify(['READY=1', `STATUS=${status}`], env)
}

function describe(error: unknown): string {
  const e = error as {code?: string; shortMessage?: string; stderr?: string; message?: string}
  if (e.code === 'ENOENT') return 'not installed'
  const stderr = typeof e.stderr === 'string' ? e.stderr.trim() : ''
  return stderr !== '' ? stderr : (e.shortMessage ?? e.message ?? String(error))
}
