// `flanctl up` on the start path runs from a bundle of its own, dist/chunks/agent.cjs
// (scripts/build.js: up-entry.ts and everything it loads, etcd3 and grpc-js included, as one
// CommonJS file), compiled with a V8 code cache. Node 20 keeps no code cache for ES modules;
// compiling etcd3, grpc-js and the agent at every start, and their functions again as the first
// calls reach them, was about a fifth of a start with 5,000 leases (bench manyHostGw). The cache
// holds V8's bytecode of all that a start ran: it is written once the routes' first pass is done
// by an agent that found no cache, or whose cache V8 refused (another node, other V8 flags),
// beside the bundle, named by the bundle's hash, size and modification time (V8 checks only the
// source's length: a bundle edited by hand never runs the old bytecode) and node's version. A
// cache that cannot be written (a read-only install, not root) is not kept; nothing else
// changes. FLANCTL_NO_CODE_CACHE=1 neither reads nor writes one.
import {readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {Script} from 'node:vm'
import {FlanctlError} from '../core/errors.js'
import type {CliInfo} from './command-definition.js'
import type {UpHooks} from './up-action.js'

/** the bundle, beside the chunk of this module */
export const AGENT_BUNDLE_FILE = 'agent.cjs'

/** the bundle's first line, written by the build: the SHA-256 of the rest */
export const BUNDLE_ID_LINE = /^\/\/ flanctl agent bundle ([0-9a-f]{64})\n/

/** the identifier the build puts for `import.meta.url` in the bundle; the wrapper passes its value */
export const BUNDLE_URL_NAME = '__flanctlBundleUrl'

/** How long after the start the cache is written: the start's CPU is not shared with it. */
const CACHE_WRITE_DELAY_MS = 1000

/** What the bundle's entry (up-entry.ts) exports. */
export interface BundleEntry {
  runUpCommand(words: readonly string[], cli: CliInfo, hooks: UpHooks): Promise<void>
}

export interface AgentBundle {
  /** `flanctl up <words>` */
  runUpCommand(words: readonly string[], cli: CliInfo): Promise<void>
  /** 'cache': compiled from the code cache; 'source': no cache yet, or V8 refused it */
  readonly compiledFrom: 'cache' | 'source'
  /** the code cache this bundle reads, and writes when it was compiled from source */
  readonly cacheFile: string
}

/** The code cache's name for a bundle: its hash, size and modification time, and this node. */
export function cacheFileOf(bundleFile: string, bundleId: string): string {
  const {size, mtimeMs} = statSync(bundleFile)
  return `${bundleFile}.${bundleId.slice(0, 16)}-${size}-${Math.round(mtimeMs)}.node-${process.version}-${process.arch}.v8cache`
}

const HINT = 'Build flanctl again (npm run build), or reinstall it.'

/** Loads the bundle beside `chunkUrl` (a file: URL; default: this module's chunk in dist/chunks/); E_SYSTEM naming the file when it cannot. */
export function loadAgentBundle(chunkUrl: string = import.meta.url): AgentBundle {
  const file = fileURLToPath(new URL(AGENT_BUNDLE_FILE, chunkUrl))
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch (error) {
    throw new FlanctlError('E_SYSTEM', `cannot read the agent bundle ${file}: ${(error as Error).message}`, {hint: HINT})
  }
  const id = BUNDLE_ID_LINE.exec(source)?.[1]
  if (id === undefined) throw new FlanctlError('E_SYSTEM', `${file} is not a flanctl agent bundle (its first line is not "// flanctl agent bundle <sha256>")`, {hint: HINT})
  const useCache = process.env.FLANCTL_NO_CODE_CACHE !== '1'
  const cacheFile = cacheFileOf(file, id)
  const cachedData = useCache ? readIfThere(cacheFile) : undefined
  let script: Script
  const module = {exports: {} as BundleEntry}
  try {
    // the wrapper node gives CommonJS modules, and the bundle's import.meta.url
    script = new Script(`(function (exports, require, module, __filename, __dirname, ${BUNDLE_URL_NAME}) {${source}\n})`, {filename: file, cachedData})
    script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href)
  } catch (error) {
    throw new FlanctlError('E_SYSTEM', `the agent bundle ${file} does not load: ${(error as Error).message}`, {hint: HINT, cause: error})
  }
  const fromCache = cachedData !== undefined && !script.cachedDataRejected
  const entry = module.exports
  let kept = fromCache || !useCache
  const keepCache = (): void => {
    if (kept) return
    kept = true
    setTimeout(() => writeCache(script, cacheFile), CACHE_WRITE_DELAY_MS).unref()
  }
  return {runUpCommand: (words, cli) => entry.runUpCommand(words, cli, {onStarted: keepCache}), compiledFrom: fromCache ? 'cache' : 'source', cacheFile}
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}

/** Written whole or not at all (a temporary file renamed): agents started together may all write it. */
function writeCache(script: Script, file: string): void {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, script.createCachedData(), {mode: 0o644})
    renameSync(temporary, file)
  } catch {
    // not kept (a read-only install, a full disk): the next start compiles again
    try {
      rmSync(temporary, {force: true})
    } catch {
      // nothing to remove where nothing could be written
    }
  }
}
