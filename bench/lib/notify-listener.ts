// A $NOTIFY_SOCKET for benchmarks: python3 binds the unix datagram socket (Node has no unix
// datagram sockets) and prints CLOCK_MONOTONIC nanoseconds with each message, the clock that
// process.hrtime.bigint() reads too, so the moment READY=1 arrives is comparable with a spawn.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

const LISTENER = `
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    msg = s.recv(4096)
    print(time.monotonic_ns(), msg.decode().replace("\\n", " "), flush=True)
`

export class NotifyListener {
  readonly path: string
  private readonly dir: string
  private readonly child: ChildProcess
  private readonly waiters: Array<(at: bigint) => void> = []
  readonly listening: Promise<void>

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'flanctl-notify-'))
    this.path = join(this.dir, 'notify.sock')
    this.child = spawn('python3', ['-c', LISTENER, this.path], {stdio: ['ignore', 'pipe', 'inherit']})
    let listening!: () => void
    this.listening = new Promise((resolve) => (listening = resolve))
    createInterface({input: this.child.stdout!}).on('line', (line) => {
      if (line === 'listening') return listening()
      const [ns, ...message] = line.split(' ')
      if (message.join(' ').includes('READY=1')) this.waiters.shift()?.(BigInt(ns!))
    })
  }

  /** The CLOCK_MONOTONIC time of the next READY=1, or a rejection after timeoutMs. */
  nextReady(timeoutMs: number): Promise<bigint> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no READY=1 on ${this.path} within ${timeoutMs} ms`)), timeoutMs)
      this.waiters.push((at) => {
        clearTimeout(timer)
        resolve(at)
      })
    })
  }

  close(): void {
    this.child.kill('SIGTERM')
    rmSync(this.dir, {recursive: true, force: true})
  }
}
