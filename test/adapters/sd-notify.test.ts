// Real systemd-notify against a unix datagram socket that records what arrives and the sender's
// credentials (SO_PASSCRED), as systemd's does.
import {after, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {notifyReady, sdNotify} from '../../src/adapters/sd-notify/sd-notify.js'

const LISTENER = `
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
print("listening", flush=True)
# keeps reading, as systemd does: systemd-notify follows READY=1 with a BARRIER=1 message
while True:
    msg, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = -1
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("3i", data[:12])[0]
    print(pid, msg.decode().replace("\\n", "|"), flush=True)
`

const listeners: ChildProcess[] = []
after(() => {
  for (const child of listeners) child.kill('SIGKILL')
})

async function listen(path: string): Promise<{received: Promise<{pid: number; message: string}>}> {
  const child = spawn('python3', ['-c', LISTENER, path], {stdio: ['ignore', 'pipe', 'inherit']})
  listeners.push(child)
  let out = ''
  let ready!: () => void
  const listening = new Promise<void>((resolve) => (ready = resolve))
  const received = new Promise<{pid: number; message: string}>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('listening\n')) ready()
      const lines = out.split('\n')
      if (lines.length >= 3) {
        const [pid, ...rest] = lines[1].split(' ')
        resolve({pid: Number(pid), message: rest.join(' ')})
      }
    })
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? undefined : reject(new Error(`listener exited ${code}`))))
  })
  await listening
  return {received}
}

test('READY=1 reaches $NOTIFY_SOCKET with our PID as the sender (NotifyAccess=main)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flanctl-notify-'))
  try {
    const path = join(dir, 'notify.sock')
    const {received} = await listen(path)
    const outcome = await notifyReady('subnet 198.18.5.0/24', {...process.env, NOTIFY_SOCKET: path})
    assert.equal(outcome, 'sent')
    const got = await received
    assert.equal(got.message, 'READY=1|STATUS=subnet 198.18.5.0/24')
    assert.equal(got.pid, process.pid, 'systemd would drop a message from the helper process PID')
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
})

test('the python3 fallback sends the same, also with our PID', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flanctl-notify-'))
  try {
    const path = join(dir, 'notify.sock')
    const {received} = await listen(path)
    // a PATH without systemd-notify but with python3
    const bin = join(dir, 'bin')
    await import('node:fs/promises').then((fs) => fs.mkdir(bin).then(() => fs.symlink('/usr/bin/python3', join(bin, 'python3'))))
    const outcome = await sdNotify(['READY=1'], {NOTIFY_SOCKET: path, PATH: bin})
    assert.equal(outcome, 'sent')
    const got = await received
    assert.equal(got.message, 'READY=1')
    assert.equal(got.pid, process.pid)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
})

test('without $NOTIFY_SOCKET nothing is sent', async () => {
  assert.equal(await sdNotify(['READY=1'], {}), 'no-socket')
})
