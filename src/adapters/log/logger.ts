// Logs on stderr, one line per meaningful event: `plain` for people
// ("2025-01-31T12:00:00.123Z INFO  lease acquired subnet=198.18.5.0/24"), `json` for machines
// ({"time":...,"level":"info","msg":"lease acquired","subnet":"198.18.5.0/24"}). The message is a
// stable phrase; details go into fields so both formats carry the same data.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFormat = 'plain' | 'json'
export type LogFields = Record<string, string | number | boolean | undefined>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

export const LOG_FORMATS: readonly LogFormat[] = ['plain', 'json']

const RANK: Record<LogLevel, number> = {debug: 10, info: 20, warn: 30, error: 40}

export interface LoggerOptions {
  format: LogFormat
  /** lowest level written; default info */
  level?: LogLevel
  write?: (line: string) => void
  now?: () => Date
}

export function createLogger(options: LoggerOptions): Logger {
  const {format, level = 'info', write = (line) => process.stderr.write(line), now = () => new Date()} = options
  const min = RANK[level]
  const emit = (lvl: LogLevel, message: string, fields: LogFields = {}): void => {
    if (RANK[lvl] < min) return
    write(`${format === 'json' ? jsonLine(now(), lvl, message, fields) : plainLine(now(), lvl, message, fields)}\n`)
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}

function plainLine(time: Date, level: LogLevel, message: string, fields: LogFields): string {
  let line = `${time.toISOString()} ${level.toUpperCase().padEnd(5)} ${message}`
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue
    const text = String(value)
    line += ` ${key}=${text === '' || /[\s"=]/.test(text) ? JSON.stringify(text) : text}`
  }
  return line
}

export function jsonLine(time: Date, level: LogLevel, message: string, fields: LogFields): string {
  const record: Record<string, unknown> = {time: time.toISOString(), level, msg: message}
  for (const [key, value] of Object.entries(fields)) {
    // the three fixed keys win, so a field can never forge them
    if (value !== undefined && !(key in record)) record[key] = value
  }
  return JSON.stringify(record)
}

