// systemd's readiness protocol: a datagram "READY=1" on the unix socket named by $NOTIFY_SOCKET.
// Node has no unix datagram sockets, so a helper process sends it: `systemd-notify` (Debian's
// systemd package), else python3. Under NotifyAccess=main (the default for Type=notify) systemd
// only accepts a message whose sender PID is the main PID: systemd-notify (v246+) and the python
// fallback, both running as root, send it with our PID in the credentials, not their own.
import {FlanctlError} from '../../core/errors.js'
import {runProgram} from '../process/run-program.js'

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
  // the agent's own runner, not execa: READY is what systemd (and docker after it) waits for
  const childEnv = {...env, NOTIFY_SOCKET: socket}
  const failures: string[] = []
  for (const [file, args] of [['systemd-notify', states], ['python3', ['-c', PYTHON_NOTIFY, states.join('\n')]]] as const) {
    const why = await runProgram(file, args, {env: childEnv, timeoutMs: NOTIFY_TIMEOUT_MS}).then(
      (result) => (result.exitCode === 0 ? undefined : result.timedOut ? `no answer within ${NOTIFY_TIMEOUT_MS / 1000} s` : result.stderr.trim() || `exit ${result.exitCode ?? result.signal}`),
      (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? 'not installed' : error.message),
    )
    if (why === undefined) return 'sent'
    failures.push(`${file}: ${why}`)
  }
  throw new FlanctlError('E_SYSTEM', `cannot notify systemd on NOTIFY_SOCKET=${socket}: ${failures.join('; ')}`, {
    hint: 'Install systemd (systemd-notify) or python3, or use Type=simple in the unit.',
  })
}

const NOTIFY_TIMEOUT_MS = 5000

export function notifyReady(status: string, env?: NodeJS.ProcessEnv): Promise<NotifyOutcome> {
  return sdNotify(['READY=1', `STATUS=${status}`], env)
}
