// `npm run build` step, after tsc: etcd3 + @grpc/grpc-js + protobufjs (about 170 modules) as one
// file, dist/vendor/etcd3.cjs, because node spends more time finding, reading and compiling
// hundreds of small modules than running them. In it, etcd3's import-time parse of rpc.proto is
// replaced by a descriptor made here (scripts/vendor/etcd3-descriptor.js). Next to it,
// etcd3.cjs.cache: V8's code cache for it, so that the agent does not compile it either.
// src/adapters/etcd/etcd3.ts loads the bundle when it is there and the package otherwise (tests
// run from src/). Types still come from the packages. Names are kept (keepNames): etcd-errors.ts
// tells etcd3's errors apart by class name.
import {build} from 'esbuild'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {LOAD_OPTIONS, LOAD_SYNC_CALL, etcd3Descriptor, etcd3Dir, etcd3Require} from './vendor/etcd3-descriptor.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundle = join(root, 'dist', 'vendor', 'etcd3.cjs')
const loader = join(root, 'dist', 'adapters', 'etcd', 'etcd3.js')

/** The package definition module that replaces the loadSync call, as source text. */
function packageDefinitionSource() {
  const options = Object.entries(LOAD_OPTIONS).map(([key, value]) => `${key}: ${value === String ? 'String' : JSON.stringify(value)}`)
  return [
    `const {grpcDefinition} = require(${JSON.stringify(join(root, 'scripts', 'vendor', 'grpc-definition.cjs'))})`,
    `module.exports = grpcDefinition(require('protobufjs/light'), ${JSON.stringify(etcd3Descriptor())}, {${options.join(', ')}})`,
  ].join('\n')
}

const PACKAGE_DEFINITION = 'flanctl:etcd3-package-definition'
const PROTO_LOADER_REQUIRE = 'const proto_loader_1 = require("@grpc/proto-loader");'

/** Swaps etcd3's runtime proto parse for the prebuilt package definition. */
const etcd3PackageDefinition = {
  name: 'etcd3-package-definition',
  setup(b) {
    const connectionPool = join(etcd3Dir, 'lib', 'connection-pool.js')
    b.onLoad({filter: /[\\/]connection-pool\.js$/}, (args) => {
      if (args.path !== connectionPool) return undefined
      let source = readFileSync(args.path, 'utf8')
      // proto-loader is no longer needed (grpc-js only requires it lazily, for channelz and
      // orca, server-side features a client never reaches; it stays external for those)
      for (const [from, to] of [[LOAD_SYNC_CALL, `require(${JSON.stringify(PACKAGE_DEFINITION)})`], [PROTO_LOADER_REQUIRE, '']]) {
        const parts = source.split(from)
        if (parts.length !== 2) throw new Error(`${args.path}: ${from.split('\n')[0]} was not found as expected; see scripts/vendor/etcd3-descriptor.js`)
        source = parts.join(to)
      }
      return {contents: source, loader: 'js', resolveDir: dirname(args.path)}
    })
    b.onResolve({filter: /^flanctl:etcd3-package-definition$/}, () => ({path: PACKAGE_DEFINITION, namespace: 'flanctl'}))
    // resolved from proto-loader's directory: the protobufjs etcd3 would have used
    b.onLoad({filter: /.*/, namespace: 'flanctl'}, () => ({contents: packageDefinitionSource(), loader: 'js', resolveDir: dirname(etcd3Require.resolve('@grpc/proto-loader'))}))
  },
}

if (!existsSync(loader)) throw new Error(`${loader} is missing: run tsc first (npm run build does)`)
const result = await build({
  entryPoints: [join(etcd3Dir, 'lib', 'index.js')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@grpc/proto-loader'],
  plugins: [etcd3PackageDefinition],
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
})
const output = Object.values(result.metafile.outputs)[0]
console.log(`dist/vendor/etcd3.cjs: ${Object.keys(output.inputs).length} modules, ${Math.round(output.bytes / 1024)} KB`)

// The code cache, from loading the bundle the way the agent does, in a fresh node.
const codeCache = `${bundle}.cache`
rmSync(codeCache, {force: true})
const write = `import {writeFileSync} from 'node:fs'; const {etcd3CodeCache} = await import(${JSON.stringify(pathToFileURL(loader).href)}); writeFileSync(${JSON.stringify(codeCache)}, etcd3CodeCache())`
const made = spawnSync(process.execPath, ['--input-type=module', '-e', write], {stdio: 'inherit'})
if (made.status !== 0) throw new Error(`could not write ${codeCache} (exit ${made.status})`)
console.log(`dist/vendor/etcd3.cjs.cache: V8 code cache for node ${process.version}`)
