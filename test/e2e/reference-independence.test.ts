// The lab's reference flannel (what the e2e tier compares flanctl against) must not share code
// with flanctl's flannel logic, or a bug there would show up on both sides and cancel out. A
// reference file imports only node builtins, other lab files and the namespace/process runner
// (src/adapters/netns); and every lab file it runs (its non-type imports, followed) does too.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'

const LAB = new URL('../../src/lab/', import.meta.url)

/** The reference implementation of flannel, as src/lab/README.md lists it. */
const REFERENCE_FILES = ['flannel-by-hand.ts', 'manual-host.ts', 'ip4-text.ts', 'kernel-view.ts', 'subnet-env-file.ts', 'lab-leases.ts']

interface ImportLine {
  from: string
  typeOnly: boolean
}

function importsOf(source: string): ImportLine[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const found: ImportLine[] = []
  for (const m of code.matchAll(/\b(?:import|export)\s+(type\s+)?[^'";]*?\bfrom\s+'([^']+)'/g)) found.push({from: m[2]!, typeOnly: m[1] !== undefined})
  for (const m of code.matchAll(/\bimport\s*(?:\(\s*)?'([^']+)'/g)) found.push({from: m[1]!, typeOnly: false})
  return found
}

/** Why `from` may not be imported by reference code, or undefined when it may. */
function forbidden(from: string): string | undefined {
  if (from.startsWith('node:')) return undefined
  if (/^\.\/[a-z0-9-]+\.js$/.test(from)) return undefined
  if (/^\.\.\/adapters\/netns\/[a-z0-9-]+\.js$/.test(from)) return undefined
  return `${from} is outside the lab (flanctl's core, engine, backends, flannel adapters, cli, or a package)`
}

/** Every problem in `file` and in the lab files it runs. */
function violations(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return []
  seen.add(file)
  const problems: string[] = []
  for (const line of importsOf(readFileSync(new URL(file, LAB), 'utf8'))) {
    const why = forbidden(line.from)
    if (why !== undefined) problems.push(`${file}: ${why}`)
    else if (line.from.startsWith('./') && !line.typeOnly) problems.push(...violations(line.from.slice(2).replace(/\.js$/, '.ts'), seen))
  }
  return problems
}

describe('the lab reference flannel stays independent of flanctl', () => {
  it('reads the import lines it checks (multi-line, type-only, side-effect, dynamic)', () => {
    const sample = "import {a,\n  b} from '../core/ip4.js'\nimport type {C} from './c.js'\n// import x from '../engine/y.js'\nimport './d.js'\nconst e = await import('../backends/e.js')\nexport {f} from './f.js'\n"
    assert.deepEqual(importsOf(sample), [
      {from: '../core/ip4.js', typeOnly: false},
      {from: './c.js', typeOnly: true},
      {from: './f.js', typeOnly: false},
      {from: './d.js', typeOnly: false},
      {from: '../backends/e.js', typeOnly: false},
    ])
    assert.equal(forbidden('../core/errors.js') !== undefined, true)
    assert.equal(forbidden('../engine/lab/x.js') !== undefined, true)
    assert.equal(forbidden('../backends/vxlan/index.js') !== undefined, true)
    assert.equal(forbidden('../adapters/iproute2/index.js') !== undefined, true)
    assert.equal(forbidden('../adapters/netns/run-command.js'), undefined)
  })

  for (const file of REFERENCE_FILES) {
    it(`${file} and the lab code it runs import nothing from core, engine, backends or flannel adapters`, () => {
      assert.deepEqual(violations(file), [])
    })
  }
})
