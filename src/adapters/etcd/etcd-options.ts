// The store's connection options, checked and turned into etcd3's: endpoints (one scheme for all,
// as etcd3 cannot mix), TLS files read and parsed here so that a wrong file is reported with its
// flag before anything is dialled, and the timeouts that keep a bad endpoint from hanging.
import {X509Certificate, createPrivateKey, type KeyObject} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {FlanctlError} from '../../core/errors.js'
import {normalisePrefix} from '../../core/subnet-key.js'

export interface EtcdStoreOptions {
  /** http(s)://host:port URLs; one scheme for all of them */
  endpoints: string[]
  /** e.g. /coreos.com/network; a trailing slash is ignored */
  prefix: string
  caFile?: string
  certFile?: string
  keyFile?: string
  username?: string
  password?: string
  /** how long connecting (and each connect-time call) may take; default 3000 ms */
  dialTimeoutMs?: number
  /** the deadline of every later call; default 5000 ms */
  requestTimeoutMs?: number
  /**
   * Default true: opening reads <prefix>/config once, so that an unreachable etcd or bad
   * credentials fail at open. false: the first real call finds out (the agent, which retries).
   */
  proveConnection?: boolean
  /**
   * Default true: TCP connects still in progress when the store closes are ended
   * (connecting-sockets.ts), so that a dropping endpoint cannot hold a command's exit. It puts
   * every etcd call in an async context, which costs every promise of the process a little: a
   * long-running process that ends itself (the agent) turns it off.
   */
  endConnectsOnClose?: boolean
}

export interface TlsMaterial {
  rootCertificate?: Buffer
  certChain?: Buffer
  privateKey?: Buffer
}

export interface ResolvedEtcdOptions {
  endpoints: string[]
  prefix: string
  secure: boolean
  tls?: TlsMaterial
  auth?: {username: string; password: string}
  dialTimeoutMs: number
  requestTimeoutMs: number
  proveConnection: boolean
  endConnectsOnClose: boolean
}

const DEFAULT_DIAL_TIMEOUT_MS = 3000
const DEFAULT_REQUEST_TIMEOUT_MS = 5000

/** Validates the options and reads the TLS files; E_USAGE naming the flag and file on any problem. */
export async function resolveEtcdOptions(options: EtcdStoreOptions): Promise<ResolvedEtcdOptions> {
  const endpoints = options.endpoints.map((e) => e.trim()).filter((e) => e !== '')
  if (endpoints.length === 0) throw new FlanctlError('E_USAGE', 'no etcd endpoint given (--etcd-endpoints)')
  const schemes = new Set(endpoints.map((e) => schemeOf(e)))
  if (schemes.size > 1) {
    throw new FlanctlError('E_USAGE', `--etcd-endpoints mixes http and https endpoints (${endpoints.join(', ')}); use one scheme for all of them`)
  }
  const secure = schemes.has('https')
  const certFile = options.certFile || undefined
  const keyFile = options.keyFile || undefined
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new FlanctlError('E_USAGE', certFile === undefined ? `--etcd-keyfile ${keyFile} is given without --etcd-certfile` : `--etcd-certfile ${certFile} is given without --etcd-keyfile`, {
      hint: 'A client certificate needs both the certificate and its key.',
    })
  }
  let tls: TlsMaterial | undefined
  // Like etcd's Go client: TLS settings apply to https:// endpoints only.
  if (secure) {
    tls = {}
    if (options.caFile) tls.rootCertificate = await readCertificate(options.caFile, '--etcd-cafile', 'CA certificate')
    if (certFile !== undefined && keyFile !== undefined) {
      tls.certChain = await readCertificate(certFile, '--etcd-certfile', 'client certificate')
      const {pem, key} = await readPrivateKey(keyFile)
      tls.privateKey = pem
      const certificate = new X509Certificate(tls.certChain)
      if (!certificate.checkPrivateKey(key)) {
        throw new FlanctlError('E_USAGE', `--etcd-keyfile ${keyFile} is not the key of --etcd-certfile ${certFile}`)
      }
    }
  }
  const username = options.username || undefined
  const password = options.password ?? undefined
  if (username === undefined && password) throw new FlanctlError('E_USAGE', '--etcd-password is given without --etcd-username')
  return {
    endpoints,
    prefix: normalisePrefix(options.prefix),
    secure,
    tls,
    auth: username === undefined ? undefined : {username, password: password ?? ''},
    dialTimeoutMs: options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    proveConnection: options.proveConnection ?? true,
    endConnectsOnClose: options.endConnectsOnClose ?? true,
  }
}

function schemeOf(endpoint: string): 'http' | 'https' {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(endpoint)
  if (match === null) return 'http' // host:port, as etcd3 takes it
  const scheme = match[1].toLowerCase()
  if (scheme === 'http' || scheme === 'https') return scheme
  throw new FlanctlError('E_USAGE', `etcd endpoint ${endpoint} (--etcd-endpoints) must start with http:// or https://`)
}

async function readPem(file: string, flag: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message
    throw new FlanctlError('E_USAGE', `cannot read the ${what} ${file} given with ${flag}: ${why}`)
  }
}

async function readCertificate(file: string, flag: string, what: string): Promise<Buffer> {
  const pem = await readPem(file, flag, what)
  try {
    new X509Certificate(pem) // eslint-disable-line no-new
  } catch (error) {
    throw new FlanctlError('E_USAGE', `${flag} ${file} is not a PEM certificate (${(error as Error).message})`)
  }
  return pem
}

async function readPrivateKey(file: string): Promise<{pem: Buffer; key: KeyObject}> {
  const pem = await readPem(file, '--etcd-keyfile', 'client key')
  try {
    return {pem, key: createPrivateKey(pem)}
  } catch (error) {
    throw new FlanctlError('E_USAGE', `--etcd-keyfile ${file} is not an unencrypted PEM private key (${(error as Error).message})`)
  }
}
