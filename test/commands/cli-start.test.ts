// The start path (src/cli/main.ts): what runs without oclif and what oclif answers (-h, help,
// completion), unknown commands as flanctl errors, `version`, and what each start loads.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {assertBuilt, json, ROOT, runCli} from './helpers/cli.js'

test('-h is --help, before or after the flags; `help` works', async () => {
  assertBuilt()
  const long = await runCli(['subnets', 'ls', '--help'])
  assert.equal(long.code, 0, long.stderr)
  assert.match(long.stdout, /\$ flanctl subnets ls/)
  for (const args of [['subnets', 'ls', '-h'], ['subnets', 'ls', '--etcd-prefix', '/x', '-h'], ['help', 'subnets', 'ls']]) {
    const short = await runCli(args)
    assert.equal(short.code, 0, `${args.join(' ')}: ${short.stderr}`)
    assert.equal(short.stdout, long.stdout, args.join(' '))
  }
  const root = await runCli(['help'])
  assert.equal(root.code, 0)
  for (const topic of ['config', 'lease', 'subnets', 'docker-opts', 'up', 'version', 'autocomplete']) assert.match(root.stdout, new RegExp(`\\b${topic}\\b`), topic)
})

test('an unknown command: E_USAGE (exit 2) in flanctl\'s form, with "did you mean", and a JSON document under --json', async () => {
  const typo = await runCli(['subnet', 'ls'])
  assert.equal(typo.code, 2)
  assert.equal(typo.stdout, '')
  assert.match(typo.stderr, /^error \[E_USAGE\] unknown command "subnet ls"\nhint: Did you mean `flanctl subnets ls`\?/)
  const other = await runCli(['lease', 'shwo', '10.5.52.0/24'])
  assert.match(other.stderr, /Did you mean `flanctl lease show`\?/)
  const asJson = await runCli(['frobnicate', '--json'])
  assert.equal(asJson.code, 2)
  const doc = json<{error: {code: string; message: string; hint: string}; warnings: string[]}>(asJson)
  assert.equal(doc.error.code, 'E_USAGE')
  assert.equal(doc.error.message, 'unknown command "frobnicate"')
  assert.deepEqual(doc.warnings, [])
  // through oclif (its command_not_found hook): the same error
  const viaOclif = await runCli(['subnet', 'ls'], {env: {FLANCTL_NO_FAST_PATH: '1'}})
  assert.equal(viaOclif.code, 2)
  assert.equal(viaOclif.stderr, typo.stderr)
})

test('`version` prints the --version line; --json gives its parts', async () => {
  const line = await runCli(['--version'])
  const version = await runCli(['version'])
  assert.equal(version.code, 0)
  assert.equal(version.stdout, line.stdout)
  const doc = json<{name: string; version: string; node: string; userAgent: string; warnings: string[]}>(await runCli(['version', '--json']))
  assert.deepEqual({name: doc.name, node: doc.node, warnings: doc.warnings}, {name: 'flanctl', node: process.version, warnings: []})
  assert.equal(`${doc.userAgent}\n`, line.stdout)
  assert.equal(doc.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
})

test('shell completion for bash and zsh knows the commands and their flags', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'flanctl-completion-'))
  try {
    for (const shell of ['bash', 'zsh']) {
      const setup = await runCli(['autocomplete', shell], {env: {XDG_CACHE_HOME: cache}})
      assert.equal(setup.code, 0, setup.stderr)
      assert.match(setup.stdout, /flanctl/)
      const script = await runCli(['autocomplete', 'script', shell], {env: {XDG_CACHE_HOME: cache}})
      assert.equal(script.code, 0, script.stderr)
    }
    const functions = join(cache, 'flanctl', 'autocomplete', 'functions')
    const zsh = readFileSync(join(functions, 'zsh', '_flanctl'), 'utf8')
    for (const word of ['subnets', 'docker-opts', 'etcd-endpoints', 'env-file']) assert.match(zsh, new RegExp(word), word)
    const bash = readFileSync(join(functions, 'bash', 'flanctl.bash'), 'utf8')
    for (const word of ['subnets', 'lease', 'etcd-endpoints']) assert.match(bash, new RegExp(word), word)
  } finally {
    rmSync(cache, {recursive: true, force: true})
  }
})

interface Metafile {
  outputs: Record<string, {imports: Array<{path: string; kind: string; external?: boolean}>; inputs: Record<string, unknown>}>
}

/** Every module a start loads before it runs anything lazily: the files statically imported from `files`, and their inputs. */
function staticallyLoaded(metafile: Metafile, files: string[]): {outputs: Set<string>; externals: Set<string>; inputs: Set<string>} {
  const outputs = new Set<string>()
  const externals = new Set<string>()
  const pending = [...files]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (outputs.has(file)) continue
    outputs.add(file)
    for (const i of metafile.outputs[file].imports) {
      if (i.kind !== 'import-statement') continue
      if (i.external) externals.add(i.path)
      else pending.push(i.path)
    }
  }
  return {outputs, externals, inputs: new Set([...outputs].flatMap((o) => Object.keys(metafile.outputs[o].inputs)))}
}

/** The chunk that the start path loads for a command's (or any source file's) module. */
function chunkOf(metafile: Metafile, source: string): string {
  const found = Object.entries(metafile.outputs).find(([file, o]) => file.startsWith('dist/chunks/') && Object.keys(o.inputs).includes(source) && !file.endsWith('.map'))
  assert.ok(found, `no chunk holds ${source}`)
  return found[0]
}

test('`up` on the start path is one CommonJS bundle: the agent and etcd3 in it, no execa, no oclif, nothing imported dynamically', () => {
  const metafile = JSON.parse(readFileSync(join(ROOT, 'dist', 'metafile.json'), 'utf8')) as Metafile
  const bundle = metafile.outputs['dist/chunks/agent.cjs']
  assert.ok(bundle, 'dist/chunks/agent.cjs is built')
  const inputs = Object.keys(bundle.inputs)
  for (const held of ['src/cli/up-entry.ts', 'src/engine/agent.ts', 'node_modules/etcd3/lib/index.js']) assert.ok(inputs.includes(held), `the bundle holds ${held}`)
  assert.deepEqual(inputs.filter((i) => i.includes('node_modules/execa') || i.includes('@oclif')), [])
  // vm.Script (agent-bundle.ts) runs it without a dynamic import() handler, and its require() resolves beside it
  assert.deepEqual(bundle.imports.filter((i) => i.kind !== 'require-call'), [])
  assert.deepEqual(bundle.imports.filter((i) => !i.external), [])
  assert.match(readFileSync(join(ROOT, 'dist', 'chunks', 'agent.cjs'), 'utf8').split('\n')[0]!, /^\/\/ flanctl agent bundle [0-9a-f]{64}$/)
  // main.js reaches it without loading the other commands' parser and printer first
  assert.ok(!metafile.outputs['dist/main.js'].imports.some((i) => i.kind === 'import-statement' && Object.keys(metafile.outputs[i.path]?.inputs ?? {}).includes('src/cli/run-command.ts')))
})

test('the start path: no oclif for any command, no etcd3 for docker-opts, no execa before `up` runs the agent', () => {
  const metafile = JSON.parse(readFileSync(join(ROOT, 'dist', 'metafile.json'), 'utf8')) as Metafile
  const start = (command: string, ...more: string[]) => staticallyLoaded(metafile, ['dist/main.js', chunkOf(metafile, command), ...more.map((m) => chunkOf(metafile, m))])
  for (const command of ['src/commands/docker-opts.ts', 'src/commands/subnets/ls.ts', 'src/commands/up.ts', 'src/commands/version.ts']) {
    const loaded = start(command)
    assert.deepEqual([...loaded.externals].filter((e) => e.startsWith('@oclif')), [], command)
  }
  const dockerOpts = start('src/commands/docker-opts.ts')
  assert.ok(![...dockerOpts.inputs].some((i) => i.includes('node_modules/etcd3') || i.includes('@grpc')), 'docker-opts loads etcd3')
  const agent = start('src/commands/up.ts', 'src/engine/agent-process.ts', 'src/adapters/etcd/index.ts')
  assert.ok([...agent.inputs].some((i) => i.includes('node_modules/etcd3/lib/index.js')), 'the agent chunk set holds etcd3')
  assert.deepEqual([...agent.inputs].filter((i) => i.includes('node_modules/execa')), [], 'execa is loaded with the agent')
})
