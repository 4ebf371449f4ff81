// Opens the etcd lease store from the shared etcd flags. The etcd adapter (etcd3, grpc) is
// imported here, lazily, so that commands which never reach this function do not load it.
import {access, constants} from 'node:fs/promises'
import {FlanctlError} from '../core/errors.js'
import {parseEtcdEndpoint} from '../core/etcd-endpoint-url.js'
import type {LeaseStore} from '../core/ports.js'
import {centosEnvWarnings} from './centos-env-warnings.js'
import {etcdFlags, type EtcdFlagValues} from './etcd-flags.js'
import {flagSource} from './flag-source.js'
import {warningText} from './output.js'
import {colourWanted, painter} from './painter.js'
import type {EtcdStoreOptions} from '../adapters/etcd/etcd-options.js'

const ENV = Object.fromEntries(Object.entries(etcdFlags).map(([name, flag]) => [name, flag.env])) as Record<keyof EtcdFlagValues, string>

/** The adapter's own options type (a type-only import: etcd3 is not loaded by it). */
export type StoreOptions = Pick<EtcdStoreOptions, 'endpoints' | 'prefix' | 'caFile' | 'certFile' | 'keyFile' | 'username' | 'password'>

/**
 * Checks the etcd flags and turns them into the adapter's options. The adapter checks them too;
 * these checks come first because they know whether a value came from a flag or a FLANNELD_*
 * variable, and say so.
 */
export async function storeOptionsFromFlags(flags: EtcdFlagValues, argv: readonly string[] = process.argv): Promise<StoreOptions> {
  const source = (name: keyof EtcdFlagValues) => flagSource(name, argv, ENV[name])
  const endpoints = flags['etcd-endpoints'].split(',').map((e) => e.trim()).filter((e) => e !== '')
  if (endpoints.length === 0) {
    throw new FlanctlError('E_USAGE', `no etcd endpoint given in ${source('etcd-endpoints')}`, {hint: 'Give one or more URLs, e.g. --etcd-endpoints http://127.0.0.1:2379.'})
  }
  for (const endpoint of endpoints) {
    const parsed = parseEtcdEndpoint(endpoint)
    if (!parsed.ok) {
      throw new FlanctlError('E_USAGE', `etcd endpoint ${endpoint} in ${source('etcd-endpoints')}: ${parsed.error.message}`, {hint: 'e.g. --etcd-endpoints http://127.0.0.1:2379'})
    }
  }
  const prefix = flags['etcd-prefix'].trim()
  if (!prefix.startsWith('/')) {
    throw new FlanctlError('E_USAGE', `etcd prefix "${prefix}" from ${source('etcd-prefix')} must start with /`, {hint: 'e.g. --etcd-prefix /coreos.com/network'})
  }
  if ((flags['etcd-certfile'] === undefined) !== (flags['etcd-keyfile'] === undefined)) {
    const [given, missing] = flags['etcd-certfile'] === undefined ? (['etcd-keyfile', 'etcd-certfile'] as const) : (['etcd-certfile', 'etcd-keyfile'] as const)
    throw new FlanctlError('E_USAGE', `${source(given)} is set but --${missing} (${ENV[missing]}) is not`, {hint: 'A client certificate needs both the certificate and its key.'})
  }
  if (flags['etcd-username'] === undefined && flags['etcd-password'] !== undefined) {
    throw new FlanctlError('E_USAGE', `${source('etcd-password')} is set but --etcd-username (${ENV['etcd-username']}) is not`)
  }
  for (const name of ['etcd-cafile', 'etcd-certfile', 'etcd-keyfile'] as const) {
    const file = flags[name]
    if (file === undefined) continue
    try {
      await access(file, constants.R_OK)
    } catch (error) {
      throw new FlanctlError('E_USAGE', `cannot read ${file} given in ${source(name)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
  return {
    endpoints,
    prefix,
    caFile: flags['etcd-cafile'],
    certFile: flags['etcd-certfile'],
    keyFile: flags['etcd-keyfile'],
    username: flags['etcd-username'],
    password: flags['etcd-password'],
  }
}

/**
 * The lease store for these flags. Close it when done (`await store.close()`). An unreachable
 * etcd fails here, unless proveConnection is false (the agent): then its first call fails, and
 * the agent retries.
 */
export async function storeFromFlags(flags: EtcdFlagValues, argv: readonly string[] = process.argv, connect: Pick<EtcdStoreOptions, 'proveConnection' | 'endConnectsOnClose'> = {}): Promise<LeaseStore> {
  const options = await storeOptionsFromFlags(flags, argv)
  const {openEtcdStore} = await import('../adapters/etcd/index.js')
  return openEtcdStore({...options, ...connect})
}

/** Runs `work` with a store and closes it afterwards, also on error. */
export async function withStore<T>(flags: EtcdFlagValues, work: (store: LeaseStore) => Promise<T>, argv: readonly string[] = process.argv): Promise<T> {
  const envWarnings = centosEnvWarnings(argv)
  for (const warning of envWarnings) process.stderr.write(warningText(warning, painter(colourWanted(argv))))
  try {
    const store = await storeFromFlags(flags, argv)
    try {
      return await work(store)
    } finally {
      await store.close().catch(() => undefined)
    }
  } catch (error) {
    throw withEnvWarnings(withEndpointSource(error, flags, argv), envWarnings)
  }
}

/** A failure while FLANNEL_ETCD_* is set: the warning again, in the hint, where it is read. */
function withEnvWarnings(error: unknown, warnings: string[]): unknown {
  if (!(error instanceof FlanctlError) || warnings.length === 0 || (!error.code.startsWith('E_ETCD') && error.code !== 'E_NO_CONFIG')) return error
  const extra = `Note: ${warnings.join('; ')}.`
  return new FlanctlError(error.code, error.message, {hint: error.hint ? `${error.hint} ${extra}` : extra, cause: error.cause ?? error})
}

/** An unreachable etcd is often a FLANNELD_ETCD_ENDPOINTS nobody remembers setting: say where the endpoints came from. */
function withEndpointSource(error: unknown, flags: EtcdFlagValues, argv: readonly string[]): unknown {
  if (!(error instanceof FlanctlError) || error.code !== 'E_ETCD_UNREACHABLE') return error
  const origin = `The endpoints (${flags['etcd-endpoints']}) came from ${flagSource('etcd-endpoints', argv, ENV['etcd-endpoints'])}.`
  return new FlanctlError(error.code, error.message, {hint: error.hint ? `${error.hint} ${origin}` : origin, cause: error.cause ?? error})
}
