// The check list and the fault kinds are each one list; the docs must name every entry.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {CHECKS} from '../../src/core/diagnose/check-list.js'
import {FAULT_KINDS} from '../../src/lab/fault-kinds.js'

const docs = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8')

test('docs/commands.md names every diagnose check and every lab fault kind', () => {
  for (const c of CHECKS) assert.ok(docs.includes(`\`${c.id}\``), `docs name ${c.id}`)
  for (const f of FAULT_KINDS) assert.ok(docs.includes(`\`${f.kind}\``), `docs name ${f.kind}`)
})
