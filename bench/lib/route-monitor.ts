// `ip -n <netns> monitor route`: the moment each route appears, without polling.
import {spawn, type ChildProcess} from 'node:child_process'
import {createInterface} from 'node:readline'

export interface RouteEvent {
  dst: string
  deleted: boolean
  at: bigint
  line: string
}

export class RouteMonitor {
  private readonly child: ChildProcess
  private readonly listeners = new Set<(event: RouteEvent) => void>()

  constructor(readonly netns: string) {
    this.child = spawn('ip', ['-n', netns, 'monitor', 'route'], {stdio: ['ignore', 'pipe', 'ignore']})
    createInterface({input: this.child.stdout!}).on('line', (line) => {
      const at = process.hrtime.bigint()
      const deleted = line.startsWith('Deleted ')
      const dst = (deleted ? line.slice(8) : line).split(' ')[0] ?? ''
      for (const listener of this.listeners) listener({dst, deleted, at, line})
    })
  }

  on(listener: (event: RouteEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Resolves with the first route added that matches, or undefined after timeoutMs. */
  waitAdded(predicate: (event: RouteEvent) => boolean, timeoutMs: number): Promise<RouteEvent | undefined> {
    return this.waitFor((event) => !event.deleted && predicate(event), timeoutMs)
  }

  /** Resolves with the first route deleted that matches, or undefined after timeoutMs. */
  waitDeleted(predicate: (event: RouteEvent) => boolean, timeoutMs: number): Promise<RouteEvent | undefined> {
    return this.waitFor((event) => event.deleted && predicate(event), timeoutMs)
  }

  private waitFor(predicate: (event: RouteEvent) => boolean, timeoutMs: number): Promise<RouteEvent | undefined> {
    return new Promise((resolve) => {
      const off = this.on((event) => {
        if (predicate(event)) {
          clearTimeout(timer)
          off()
          resolve(event)
        }
      })
      const timer = setTimeout(() => {
        off()
        resolve(undefined)
      }, timeoutMs)
    })
  }

  close(): void {
    this.child.kill('SIGTERM')
  }
}
