// Typed errors: every failure flanctl reports has a stable code (scripts match on it), a message
// that says what was wrong and where it came from, and an optional hint saying what to do.
export const EXIT_CODES = {
  E_USAGE: 2, // bad flag, argument or input file
  E_INVALID_CONFIG: 3, // network config rejected by flannel's rules
  E_NO_CONFIG: 4, // no network config at <prefix>/config
  E_ETCD_UNREACHABLE: 5, // endpoints refused, timed out or dropped: worth waiting for
  E_ETCD_ACCESS: 5, // etcd answered but refused us: wrong password, rejected certificate, no permission
  E_SUBNETS_EXHAUSTED: 6, // out of subnets
  E_NOT_FOUND: 7, // a lease, file or key that was asked for does not exist
  E_CONFLICT: 8, // lost a race / the key exists already
  E_BAD_DATA: 9, // malformed data in etcd or a file
  E_SYSTEM: 10, // a kernel or tool operation failed (ip, iptables, files)
  E_INTERNAL: 70,
} as const

export type FlanctlErrorCode = keyof typeof EXIT_CODES

export interface FlanctlErrorOptions {
  hint?: string
  cause?: unknown
}

export class FlanctlError extends Error {
  readonly code: FlanctlErrorCode
  readonly hint?: string

  constructor(code: FlanctlErrorCode, message: string, options: FlanctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'FlanctlError'
    this.code = code
    this.hint = options.hint
  }

  get exitCode(): number {
    return EXIT_CODES[this.code]
  }
}
