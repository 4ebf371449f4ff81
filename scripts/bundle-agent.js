// `npm run build` step, after tsc: the modules `flanctl up` imports lazily are each rewritten in
// place as one file holding everything they import from dist/. Node's ESM loader spends about
// 1 ms per module finding, reading and linking it, and the agent would load about 50 of ours.
//   dist/engine/agent-process.js   the agent with its engine, core and adapter modules
//   dist/adapters/etcd/index.js    the etcd adapter (etcd3 itself: dist/vendor, bundle-vendor.js)
// Their exports are unchanged, and the rest of dist/ stays as tsc wrote it. Modules whose
// identity matters across files stay shared, imported rather than copied: core/errors.js
// (FlanctlError is checked with instanceof by the commands) and adapters/etcd/etcd3.js (it finds
// dist/vendor/ from its own URL). The build fails if a copied module uses import.meta, whose
// meaning would change with the file it is in.
import {build} from 'esbuild'
import {readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const ENTRIES = ['engine/agent-process.js', 'adapters/etcd/index.js']
const SHARED = new Set(['core/errors.js', 'adapters/etcd/etcd3.js'].map((file) => join(dist, file)))

/** Keeps the shared modules as imports, with paths relative to the bundle's own place. */
function shareModules(outfile) {
  return {
    name: 'share-modules',
    setup(b) {
      b.onResolve({filter: /^\.\.?\//}, (args) => {
        const target = resolve(args.resolveDir, args.path)
        if (args.kind === 'entry-point' || !SHARED.has(target)) return undefined
        const path = relative(dirname(outfile), target)
        return {path: path.startsWith('.') ? path : `./${path}`, external: true}
      })
    },
  }
}

for (const entry of ENTRIES) {
  const file = join(dist, entry)
  const result = await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    packages: 'external', // npm packages load as before (etcd3 through dist/vendor)
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [shareModules(file)],
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root, // metafile paths are relative to it
  })
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(root, input))
  for (const input of inputs) {
    if (input !== file && readFileSync(input, 'utf8').includes('import.meta')) {
      throw new Error(`${relative(root, input)} uses import.meta and would be copied into ${relative(root, file)}: add it to SHARED in scripts/bundle-agent.js`)
    }
  }
  console.log(`dist/${entry}: ${inputs.length} modules in one file`)
}
