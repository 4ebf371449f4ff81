// etcd3 at run time: the single-file bundle `npm run build` writes to dist/vendor/etcd3.cjs (no
// rpc.proto parse, one file instead of ~170: see scripts/bundle-vendor.js), else the package
// (running from src/ under tsx, as the tests do). Import etcd3's types from 'etcd3' as usual;
// take its values from here only, so that every class (errors included) comes from one copy.
//
// The bundle is compiled with the V8 code cache the build leaves next to it (etcd3.cjs.cache):
// compiling 700 KB of JavaScript, and the functions run while it loads, is most of its cost.
// Node 20 has no compile cache of its own (module.enableCompileCache is 22+). The cache starts
// with the SHA-1 of the source it was made from and is used only for that source (V8 itself
// checks little more than the length); a cache that V8 rejects (another node, other V8 flags)
// only means compiling as usual.
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Script} from 'node:vm'

const require = createRequire(import.meta.url)
const bundle = fileURLToPath(new URL('../../vendor/etcd3.cjs', import.meta.url))
const codeCacheFile = `${bundle}.cache`

const sourceHash = (source: string): Buffer => createHash('sha1').update(source).digest()

/** The V8 code cache made for exactly this source, if there is one. */
function codeCacheFor(source: string): Buffer | undefined {
  if (!existsSync(codeCacheFile)) return undefined
  const file = readFileSync(codeCacheFile)
  const hash = sourceHash(source)
  return file.subarray(0, hash.length).equals(hash) ? file.subarray(hash.length) : undefined
}

/** What `require(file)` does for a CommonJS file, compiled from the code cache when it fits. */
function loadBundle(file: string): {exports: unknown; source: string; script: Script} {
  const source = readFileSync(file, 'utf8')
  const script = new Script(Module.wrap(source), {filename: file, cachedData: codeCacheFor(source)})
  const module = {exports: {} as unknown}
  const run = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: {exports: unknown}, filename: string, dirname: string) => void
  run(module.exports, createRequire(file), module, file, dirname(file))
  return {exports: module.exports, source, script}
}

const loaded = existsSync(bundle) ? loadBundle(bundle) : undefined

export const etcd3 = (loaded?.exports ?? require('etcd3')) as typeof import('etcd3')

/** For the build (scripts/bundle-vendor.js): the contents of etcd3.cjs.cache, from the bundle as compiled so far. */
export function etcd3CodeCache(): Buffer | undefined {
  return loaded === undefined ? undefined : Buffer.concat([sourceHash(loaded.source), loaded.script.createCachedData()])
}
