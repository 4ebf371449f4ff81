// flanctl systemd: every `flanctl up` flag can go into the unit (after --, checked with up's own
// table), --exec that is not an executable here warns, and exit 2/3 do not restart the unit.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {agentFlags} from '../../src/cli/agent-flags.js'
import {etcdFlags} from '../../src/cli/etcd-flags.js'
import type {FlagSpec} from '../../src/cli/flag-spec.js'
import {assertBuilt, BIN, json, runCli} from './helpers/cli.js'

let dir: string
before(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), 'flanctl-systemd-up-'))
})
after(() => rmSync(dir, {recursive: true, force: true}))

const execStart = (text: string) => text.split('\n').find((l) => l.startsWith('ExecStart=/'))

/** A value `up` accepts for the flag, as a word or two. */
function sample(name: string, spec: FlagSpec): string[] {
  if (spec.type === 'boolean') return [`--${name}`]
  if (spec.type === 'option') return [`--${name}=${spec.options!.at(-1)}`]
  if (spec.type === 'integer') return [`--${name}=${spec.min ?? 7}`]
  return [`--${name}=x-${name}`]
}

test('every flanctl up flag after -- goes into ExecStart (password excepted)', async () => {
  const table: Record<string, FlagSpec> = {...etcdFlags, ...agentFlags}
  const names = Object.keys(table).filter((name) => name !== 'etcd-password' && name !== 'subnet-file')
  const extra = names.flatMap((name) => sample(name, table[name]))
  const result = await runCli(['systemd', '--dry-run', '--json', '--exec', BIN, '--', ...extra])
  assert.equal(result.code, 0, result.stderr)
  const line = execStart(json<{files: Array<{text: string}>}>(result).files[0].text)!
  for (const word of extra) assert.ok(line.includes(` ${word}`), `${word} is missing from ${line}`)
})

test('flanneld spellings after -- are rewritten; a typo or a flag given twice is exit 2 naming it', async () => {
  const ok = await runCli(['systemd', '--dry-run', '--exec', BIN, '--', '-iface-regex=^eth', '--ip-masq=true'])
  assert.equal(ok.code, 0, ok.stderr)
  assert.match(execStart(ok.stdout)!, /up --subnet-file=\/run\/flannel\/subnet\.env "--iface-regex=\^eth" --ip-masq$/)
  const typo = await runCli(['systemd', '--dry-run', '--', '--healthz-prot', '1'])
  assert.equal(typo.code, 2)
  assert.match(typo.stderr, /the flanctl up arguments after --: Nonexistent flag: --healthz-prot/)
  const twice = await runCli(['systemd', '--dry-run', '--public-ip', '203.0.113.5', '--', '--public-ip=203.0.113.6'])
  assert.equal(twice.code, 2)
  assert.match(twice.stderr, /Flag --public-ip can only be specified once/)
  const password = await runCli(['systemd', '--dry-run', '--', '--etcd-password', 's3cret'])
  assert.equal(password.code, 2)
  assert.doesNotMatch(password.stdout, /s3cret/)
})

test('exit 2 and 3 of up stop the restarts; exit 5 (etcd unreachable) is still retried', async () => {
  const result = await runCli(['systemd', '--dry-run', '--exec', BIN])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /^Restart=on-failure$/m)
  assert.match(result.stdout, /^RestartPreventExitStatus=2 3$/m)
})

test('--exec that is not an executable file here: a warning saying why; an executable: none', async () => {
  const plain = join(dir, 'flanctl.txt')
  writeFileSync(plain, 'not a program\n')
  const runnable = join(dir, 'flanctl')
  writeFileSync(runnable, '#!/bin/sh\n')
  chmodSync(runnable, 0o755)
  const cases: Array<[string, RegExp | undefined]> = [
    [join(dir, 'missing'), /--exec .*missing does not exist on this machine/],
    [plain, /--exec .*flanctl\.txt is not executable/],
    [dir, /--exec .* is a directory/],
    [runnable, undefined],
  ]
  for (const [exec, warning] of cases) {
    const result = await runCli(['systemd', '--dry-run', '--json', '--exec', exec])
    assert.equal(result.code, 0, result.stderr)
    const view = json<{warnings: string[]}>(result)
    if (warning === undefined) assert.deepEqual(view.warnings, [])
    else assert.match(view.warnings.join('\n'), warning)
  }
})
