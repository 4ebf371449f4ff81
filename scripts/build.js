// `npm run build`: one esbuild build of everything that runs, with code splitting, into dist/:
//   dist/main.js                     the start path (src/cli/main.ts), which bin/run.js imports
//   dist/commands/<topic>/<name>.js  oclif's Command class of each src/commands file (generated:
//                                    oclifCommand(definition)); oclif.commands points here
//   dist/hooks/command-not-found.js  oclif's command_not_found hook
//   dist/chunks/*.js                 everything else, split where it is loaded: each command's
//                                    definition, the agent (loaded by `up`), etcd3 with grpc
//   dist/metafile.json               esbuild's account of the build (inputs of each file, imports)
// The list of commands is the files under src/commands; main.ts gets it as the virtual module
// `flanctl:commands` (each id with a dynamic import, so that a command loads only its chunk).
// Node spends about 1 ms finding, reading and linking each module, and etcd3, grpc-js and
// protobufjs are about 170 of them: bundled, they are a few files. etcd3 parses rpc.proto with
// proto-loader at import time (about 100 ms); in the bundle, its require('@grpc/proto-loader')
// gets scripts/vendor/proto-loader-for-etcd3.cjs, which answers from a descriptor made here.
// @oclif/* stay packages (oclif finds its plugins and files from its own location); so does
// @grpc/proto-loader for grpc-js, which requires it only for server features (channelz, orca).
// CommonJS code in the chunks gets `require`, `__filename` and `__dirname` from the banner. No
// V8 code cache for these: node 20 has none for ES modules, and the split, minified chunks meet
// the start-up targets without it (bench/startup.js).
//   dist/chunks/agent.cjs            `up` (src/cli/up-entry.ts and all it loads) as one CommonJS
//                                    file, which the start path compiles with a V8 code cache
//                                    (src/cli/agent-bundle.ts); its first line is its SHA-256
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {readdirSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {etcd3Descriptor, etcd3Dir} from './vendor/etcd3-descriptor.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const commandsDir = join(src, 'commands')

/** src/commands/subnets/ls.ts -> {id: 'subnets ls', out: 'commands/subnets/ls', file} */
function commandFiles(dir = commandsDir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const file = join(dir, entry.name)
    if (entry.isDirectory()) return commandFiles(file)
    if (!entry.name.endsWith('.ts')) return []
    const path = relative(commandsDir, file).slice(0, -'.ts'.length)
    return [{id: path.split(sep).join(' '), out: `commands/${path.split(sep).join('/')}`, file}]
  })
}

const commands = commandFiles()

/** The virtual modules: the command index, each command's oclif entry, etcd3's descriptor. */
const flanctlModules = {
  name: 'flanctl-modules',
  setup(b) {
    b.onResolve({filter: /^flanctl:/}, (args) => ({path: args.path, namespace: 'flanctl'}))
    b.onResolve({filter: /^@grpc\/proto-loader$/}, (args) =>
      args.importer.startsWith(join(etcd3Dir, 'lib')) ? {path: join(root, 'scripts', 'vendor', 'proto-loader-for-etcd3.cjs')} : {external: true})
    b.onLoad({filter: /.*/, namespace: 'flanctl'}, (args) => {
      if (args.path === 'flanctl:commands') {
        const entries = commands.map((c) => `  ${JSON.stringify(c.id)}: () => import(${JSON.stringify(c.file)}),`)
        return {contents: `export const COMMANDS = {\n${entries.join('\n')}\n}\n`, loader: 'js', resolveDir: src}
      }
      if (args.path === 'flanctl:etcd3-descriptor') return {contents: JSON.stringify(etcd3Descriptor()), loader: 'json'}
      const command = commands.find((c) => `flanctl:oclif/${c.id}` === args.path)
      if (command === undefined) throw new Error(`unknown virtual module ${args.path}`)
      return {
        contents: [
          `import {oclifCommand} from ${JSON.stringify(join(src, 'cli', 'oclif-command.ts'))}`,
          `const {default: definition} = await import(${JSON.stringify(command.file)})`,
          'export default oclifCommand(definition)',
        ].join('\n'),
        loader: 'js',
        resolveDir: src,
      }
    })
  },
}

/** What both builds share. */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  plugins: [flanctlModules],
  // no keepNames: identifiers are not minified, and its __name() call at every function
  // definition (inner functions: at every call) cost a tenth of the agent's start
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
}

rmSync(join(root, 'dist'), {recursive: true, force: true})
const result = await build({
  ...common,
  entryPoints: [
    {in: join(src, 'cli', 'main.ts'), out: 'main'},
    {in: join(src, 'cli', 'command-not-found-hook.ts'), out: 'hooks/command-not-found'},
    // the udp relay's worker thread: its own entry (relay.ts starts it by this name)
    {in: join(src, 'backends', 'udp', 'relay', 'relay-worker.ts'), out: 'udp-relay-worker'},
    ...commands.map((c) => ({in: `flanctl:oclif/${c.id}`, out: c.out})),
  ],
  outdir: join(root, 'dist'),
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  format: 'esm',
  // koffi: a native addon that finds its prebuilt binary from its own location
  external: ['@oclif/*', 'koffi'],
  banner: {
    js: [
      "import {createRequire as flanctlCreateRequire} from 'node:module'",
      "import {dirname as flanctlDirname} from 'node:path'",
      "import {fileURLToPath as flanctlFileURLToPath} from 'node:url'",
      'const require = flanctlCreateRequire(import.meta.url)',
      'const __filename = flanctlFileURLToPath(import.meta.url)',
      'const __dirname = flanctlDirname(__filename)',
    ].join('; '),
  },
})

// The agent's bundle: CommonJS, so that agent-bundle.ts can compile it with a code cache. Its
// wrapper passes the bundle's own URL for import.meta.url (the udp relay finds its worker by it).
const agent = await build({
  ...common,
  entryPoints: [{in: join(src, 'cli', 'up-entry.ts'), out: 'chunks/agent'}],
  outdir: join(root, 'dist'),
  outExtension: {'.js': '.cjs'},
  format: 'cjs',
  external: ['@oclif/*', 'koffi'],
  define: {'import.meta.url': '__flanctlBundleUrl'},
  // the udp relay's import.meta.resolve serves tsx (the tests of src) only, never the bundle
  logOverride: {'empty-import-meta': 'silent'},
  write: false,
})
const [agentFile] = agent.outputFiles.filter((f) => f.path.endsWith('.cjs'))
const agentId = createHash('sha256').update(agentFile.text).digest('hex')
writeFileSync(agentFile.path, `// flanctl agent bundle ${agentId}\n${agentFile.text}`)

// which modules went into which file, and what each file imports: test/commands/cli-start.test.ts reads it
const metafile = {inputs: {...result.metafile.inputs, ...agent.metafile.inputs}, outputs: {...result.metafile.outputs, ...agent.metafile.outputs}}
writeFileSync(join(root, 'dist', 'metafile.json'), JSON.stringify(metafile))
const outputs = Object.entries(metafile.outputs).filter(([file]) => /\.c?js$/.test(file))
const kb = (bytes) => Math.round(bytes / 1024)
console.log(`dist/: ${commands.length} commands, ${outputs.length} files, ${kb(outputs.reduce((sum, [, o]) => sum + o.bytes, 0))} KB`)
