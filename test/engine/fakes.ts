// Fakes for engine tests: a clock whose time only moves when the test says so, a logger that
// records lines, and leases made from short descriptions.
import type {Clock, Timer} from '../../src/engine/clock.js'
import type {LogFields, Logger, LogLevel} from '../../src/adapters/log/logger.js'
import type {Lease, LeaseAttrs} from '../../src/core/types.js'

/** Lets every pending promise chain run (real macrotask turns; the engine's time stays frozen). */
export async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve))
}

interface PendingTimer {
  due: number
  seq: number
  fn: () => void
  cancelled: boolean
}

export class FakeClock implements Clock {
  private time = 0
  private seq = 0
  private timers: PendingTimer[] = []

  now(): number {
    return this.time
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const timer: PendingTimer = {due: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false}
    this.timers.push(timer)
    return {cancel: () => void (timer.cancelled = true)}
  }

  /** pending timers' delays from now, soonest first */
  pending(): number[] {
    return this.live().map((t) => t.due - this.time)
  }

  /** Moves time forward by ms, firing each due timer in order and letting its promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms
    await settle()
    for (;;) {
      const next = this.live()[0]
      if (next === undefined || next.due > end) break
      this.time = Math.max(this.time, next.due)
      next.cancelled = true
      next.fn()
      await settle()
    }
    this.time = end
    await settle()
  }

  private live(): PendingTimer[] {
    this.timers = this.timers.filter((t) => !t.cancelled)
    return [...this.timers].sort((a, b) => a.due - b.due || a.seq - b.seq)
  }
}

export interface LogRecord {
  level: LogLevel
  message: string
  fields: LogFields
}

export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = []
  debug(message: string, fields: LogFields = {}): void {
    this.records.push({level: 'debug', message, fields})
  }
  info(message: string, fields: LogFields = {}): void {
    this.records.push({level: 'info', message, fields})
  }
  warn(message: string, fields: LogFields = {}): void {
    this.records.push({level: 'warn', message, fields})
  }
  error(message: string, fields: LogFields = {}): void {
    this.records.push({level: 'error', message, fields})
  }
  messages(level?: LogLevel): string[] {
    return this.records.filter((r) => level === undefined || r.level === level).map((r) => r.message)
  }
  find(message: string): LogRecord[] {
    return this.records.filter((r) => r.message === message)
  }
  /** every record as one string, for "the log names X" assertions */
  text(): string {
    return this.records.map((r) => `${r.level} ${r.message} ${JSON.stringify(r.fields)}`).join('\n')
  }
}

export const PREFIX = '/coreos.com/network'

/** lease("198.18.5.0/24", "192.0.2.11") => a vxlan lease as the store would decode it */
export function lease(subnet: string, publicIp: string, options: {backendType?: string | null; vtepMac?: string; reservation?: boolean; ttlSeconds?: number} = {}): Lease {
  const [address, len] = subnet.split('/')
  const parts = address.split('.').map(Number)
  const ip = (((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0) as number
  const backendType = options.backendType === null ? undefined : (options.backendType ?? 'vxlan')
  const attrs: LeaseAttrs = {publicIp, publicIpv6: null, backendType}
  if (backendType === 'vxlan') attrs.backendData = {VNI: 1, VtepMAC: options.vtepMac ?? `0a:58:c6:12:${parts[2].toString(16).padStart(2, '0')}:01`}
  return {
    key: `${PREFIX}/subnets/${address}-${len}`,
    subnet: {ip, prefixLen: Number(len)},
    attrs,
    etcdLeaseId: options.reservation ? undefined : '7587',
    ttlSeconds: options.reservation ? undefined : (options.ttlSeconds ?? 86_400),
    reservation: options.reservation ?? false,
  }
}
