// The loader of the agent's bundle (src/cli/agent-bundle.ts) with real V8 code caches, on a
// small bundle written here in the build's format: the cache is written once the agent has
// started, used by the next load, refused and written again when it is garbage, and named by the
// bundle's hash, so that a changed bundle never runs another's bytecode. The build's own bundle
// is tested by cli-start.test.ts (what it holds) and up.test.ts (`flanctl up` keeps its cache).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {AGENT_BUNDLE_FILE, cacheFileOf, loadAgentBundle} from '../../src/cli/agent-bundle.js'
import type {FlanctlError} from '../../src/core/errors.js'

/** Runs body in a fresh temporary directory, removed afterwards. */
function inTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'flanctl-bundle-'))
  try {
    body(dir)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** A bundle in the build's format: its hash first, then CommonJS exporting runUpCommand. */
function writeBundle(dir: string, tag: string): string {
  const body = [
    '"use strict";',
    // enough functions for a cache worth the name, all run by runUpCommand
    ...Array.from({length: 50}, (_, i) => `function f${i}(x) { return x.map((v) => v * ${i} + ${JSON.stringify(tag)}.length) }`),
    'exports.runUpCommand = async function (words, cli, hooks) {',
    `  let out = [1, 2, 3]; ${Array.from({length: 50}, (_, i) => `out = f${i}(out);`).join(' ')}`,
    `  globalThis.flanctlBundleTest = {tag: ${JSON.stringify(tag)}, words, cli, url: __flanctlBundleUrl, filename: __filename, out}`,
    '  hooks.onStarted()',
    '}',
  ].join('\n')
  const file = join(dir, AGENT_BUNDLE_FILE)
  writeFileSync(file, `// flanctl agent bundle ${createHash('sha256').update(body).digest('hex')}\n${body}`)
  return file
}

/** The URL loadAgentBundle takes: a module beside the bundle. */
const besideBundle = (dir: string) => pathToFileURL(join(dir, 'loader.js')).href

const LOADER = new URL('../../src/cli/agent-bundle.ts', import.meta.url).href

interface Start {
  compiledFrom: string
  cacheFile: string
  ran: {tag: string; words: string[]; url: string; filename: string}
}

/**
 * One start in a process of its own (V8 would take a script it compiled before in this one from
 * memory, whatever the cache says): load, run, stay 2 s (the cache is written 1 s after the start).
 */
function startInChild(dir: string, words: string[] = [], env: Record<string, string> = {}): Start {
  const script = join(dir, `start-${Math.random().toString(36).slice(2)}.mts`)
  writeFileSync(script, [
    `import {loadAgentBundle} from ${JSON.stringify(LOADER)}`,
    `const bundle = loadAgentBundle(${JSON.stringify(besideBundle(dir))})`,
    `await bundle.runUpCommand(${JSON.stringify(words)}, {name: 'flanctl', version: '0.0.0'})`,
    'console.log(JSON.stringify({compiledFrom: bundle.compiledFrom, cacheFile: bundle.cacheFile, ran: globalThis.flanctlBundleTest}))',
    'setTimeout(() => {}, 2000)',
  ].join('\n'))
  const child = spawnSync(process.execPath, ['--import', 'tsx', script], {encoding: 'utf8', env: {...process.env, ...env}})
  assert.equal(child.status, 0, child.stderr)
  return JSON.parse(child.stdout) as Start
}

test('the first start compiles from source and keeps a cache; the next start compiles from it', () =>
  inTempDir((dir) => {
    const file = writeBundle(dir, 'one')
    const first = startInChild(dir, ['--iface', 'eth0'])
    assert.equal(first.compiledFrom, 'source')
    assert.ok(first.cacheFile.startsWith(`${file}.`) && first.cacheFile.includes(process.version), first.cacheFile)
    assert.deepEqual(first.ran.words, ['--iface', 'eth0'])
    assert.equal(first.ran.url, pathToFileURL(file).href, 'import.meta.url of the bundle is its own URL')
    assert.equal(first.ran.filename, file)
    assert.ok(existsSync(first.cacheFile), 'the cache is written once the start is done')
    const written = statSync(first.cacheFile).mtimeMs

    const second = startInChild(dir)
    assert.equal(second.compiledFrom, 'cache')
    assert.equal(second.ran.tag, 'one')
    assert.equal(statSync(first.cacheFile).mtimeMs, written, 'a cache that was used is not written again')
  }))

test('FLANCTL_NO_CODE_CACHE=1 neither reads nor writes a cache', () =>
  inTempDir((dir) => {
    writeBundle(dir, 'off')
    const off = startInChild(dir, [], {FLANCTL_NO_CODE_CACHE: '1'})
    assert.equal(off.compiledFrom, 'source')
    assert.equal(existsSync(off.cacheFile), false)
    startInChild(dir)
    assert.ok(existsSync(off.cacheFile))
    assert.equal(startInChild(dir, [], {FLANCTL_NO_CODE_CACHE: '1'}).compiledFrom, 'source', 'not read either')
  }))

test('a cache V8 refuses (garbage) is replaced by a good one; the start runs as before', () =>
  inTempDir((dir) => {
    const file = writeBundle(dir, 'two')
    const cacheFile = cacheFileOf(file, readFileSync(file, 'utf8').split('\n')[0]!.split(' ').at(-1)!)
    writeFileSync(cacheFile, Buffer.alloc(4096, 7))
    const refused = startInChild(dir)
    assert.equal(refused.compiledFrom, 'source')
    assert.equal(refused.ran.tag, 'two')
    assert.notDeepEqual(readFileSync(cacheFile), Buffer.alloc(4096, 7), 'written again')
    assert.equal(startInChild(dir).compiledFrom, 'cache')
  }))

test('the cache is named by the bundle\'s hash: another bundle of the same length never takes it', () =>
  inTempDir((dir) => {
    const file = writeBundle(dir, 'aaa')
    const a = loadAgentBundle(besideBundle(dir)).cacheFile
    const before = readFileSync(file).length
    writeBundle(dir, 'bbb')
    assert.equal(readFileSync(file).length, before, 'same length (V8 alone would take the other\'s cache)')
    const b = loadAgentBundle(besideBundle(dir)).cacheFile
    assert.notEqual(a, b)
    const id = readFileSync(file, 'utf8').split('\n')[0]!.split(' ').at(-1)!
    assert.equal(b, cacheFileOf(file, id))
  }))

test('a missing bundle, or a file that is not one, is an error naming the file and the fix', () =>
  inTempDir((dir) => {
    const file = join(dir, AGENT_BUNDLE_FILE)
    const named = (pattern: RegExp) => (error: FlanctlError) => error.code === 'E_SYSTEM' && error.message.includes(file) && pattern.test(error.message) && /npm run build/.test(error.hint ?? '')
    assert.throws(() => loadAgentBundle(besideBundle(dir)), named(/cannot read the agent bundle/))
    writeFileSync(file, '"use strict"; exports.runUpCommand = async () => {}\n')
    assert.throws(() => loadAgentBundle(besideBundle(dir)), named(/not a flanctl agent bundle/))
    // cut short: the hash line is there, the code does not compile
    writeFileSync(file, readFileSync(writeBundle(dir, 'cut'), 'utf8').slice(0, 300))
    assert.throws(() => loadAgentBundle(besideBundle(dir)), named(/does not load/))
  }))
