// `npm run build` step: bundles what `flanctl up` loads before its first etcd call into single
// files under dist/vendor/, because node spends more time finding, reading and compiling
// hundreds of small modules than running them:
//   dist/vendor/etcd3.cjs  etcd3 + @grpc/grpc-js + protobufjs (about 170 modules), with
//                          etcd3's import-time parse of rpc.proto replaced by a descriptor made
//                          here (scripts/vendor/etcd3-descriptor.js).
// src/adapters/etcd/etcd3.ts loads the bundle when it is there and the package otherwise (tests
// run from src/). Types still come from the packages. Names are kept (keepNames): etcd-errors.ts
// tells etcd3's errors apart by class name.
import {build} from 'esbuild'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {LOAD_OPTIONS, LOAD_SYNC_CALL, etcd3Descriptor, etcd3Dir, etcd3Require} from './vendor/etcd3-descriptor.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outdir = join(root, 'dist', 'vendor')

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  outdir,
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
}

/** The package definition module that replaces the loadSync call, as source text. */
function packageDefinitionSource() {
  const options = Object.entries(LOAD_OPTIONS).map(([key, value]) => `${key}: ${value === String ? 'String' : JSON.stringify(value)}`)
  return [
    `const {grpcDefinition} = require(${JSON.stringify(join(root, 'scripts', 'vendor', 'grpc-definition.cjs'))})`,
    `module.exports = grpcDefinition(require('protobufjs/light'), ${JSON.stringify(etcd3Descriptor())}, {${options.join(', ')}})`,
  ].join('\n')
}

const PACKAGE_DEFINITION = 'flanctl:etcd3-package-definition'

/** Swaps etcd3's runtime proto parse for the prebuilt package definition. */
const etcd3PackageDefinition = {
  name: 'etcd3-package-definition',
  setup(b) {
    const connectionPool = join(etcd3Dir, 'lib', 'connection-pool.js')
    b.onLoad({filter: /[\\/]connection-pool\.js$/}, (args) => {
      if (args.path !== connectionPool) return undefined
      const source = readFileSync(args.path, 'utf8')
      const parts = source.split(LOAD_SYNC_CALL)
      if (parts.length !== 2) throw new Error(`${args.path}: the loadSync call of rpc.proto was not found as expected; see scripts/vendor/etcd3-descriptor.js`)
      // proto-loader is no longer needed (grpc-js only requires it lazily, for channelz and
      // orca, server-side features a client never reaches; it stays external for those)
      return {contents: parts.join(`require(${JSON.stringify(PACKAGE_DEFINITION)})`), loader: 'js', resolveDir: dirname(args.path)}
    })
    b.onResolve({filter: /^flanctl:etcd3-package-definition$/}, () => ({path: PACKAGE_DEFINITION, namespace: 'flanctl'}))
    // resolved from proto-loader's directory: the protobufjs etcd3 would have used
    b.onLoad({filter: /.*/, namespace: 'flanctl'}, () => ({contents: packageDefinitionSource(), loader: 'js', resolveDir: dirname(etcd3Require.resolve('@grpc/proto-loader'))}))
  },
}

const results = await Promise.all([
  build({
    ...common,
    entryPoints: {etcd3: join(etcd3Dir, 'lib', 'index.js')},
    format: 'cjs',
    outExtension: {'.js': '.cjs'},
    external: ['@grpc/proto-loader'],
    plugins: [etcd3PackageDefinition],
  }),
])

for (const result of results) {
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    console.log(`${file.replace(/^.*dist\//, 'dist/')}: ${Object.keys(output.inputs).length} modules, ${Math.round(output.bytes / 1024)} KB`)
  }
}
