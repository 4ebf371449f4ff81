// flanctl docker-opts against the files flannel's mk-docker-opts.sh wrote for the same inputs
// (fixtures/docker-opts/README.md), byte for byte, through both the start path and oclif.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {assertBuilt, json, ROOT, runCli} from './helpers/cli.js'

const FIXTURES = join(ROOT, 'test', 'commands', 'fixtures', 'docker-opts')
const fixture = (name: string) => join(FIXTURES, name)

const CASES: Array<{expected: string; env: string; flags: string[]; environment?: Record<string, string>}> = [
  {expected: 'default', env: 'vxlan', flags: []},
  {expected: 'i', env: 'vxlan', flags: ['-i']},
  {expected: 'c', env: 'vxlan', flags: ['-c']},
  {expected: 'ic', env: 'vxlan', flags: ['-ic']},
  {expected: 'k', env: 'vxlan', flags: ['-k', 'DOCKER_NETWORK_OPTIONS']},
  {expected: 'm', env: 'vxlan', flags: ['-m']},
  {expected: 'mc', env: 'vxlan', flags: ['-m', '-c']},
  {expected: 'hostgw', env: 'hostgw', flags: []},
  {expected: 'dual', env: 'dual', flags: []},
  {expected: 'nomasq', env: 'nomasq', flags: []},
  {expected: 'extra', env: 'extra', flags: []},
  {expected: 'preset', env: 'vxlan', flags: [], environment: {DOCKER_OPTS: '--debug'}},
]

// FLANCTL_NO_FAST_PATH=1 makes bin/run.js run the command through its oclif Command class: both must write the same bytes.
const PATHS = [{name: 'start path', env: {}}, {name: 'oclif', env: {FLANCTL_NO_FAST_PATH: '1'}}]

let dir: string
before(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), 'flanctl-docker-opts-'))
})
after(() => rmSync(dir, {recursive: true, force: true}))

for (const path of PATHS) {
  describe(`docker-opts (${path.name}) writes what mk-docker-opts.sh writes`, () => {
    for (const c of CASES) {
      test(`${c.expected}: -f ${c.env}.subnet.env ${c.flags.join(' ')}`, async () => {
        const out = join(dir, `${path.name.replace(' ', '-')}-${c.expected}.env`)
        const result = await runCli(['docker-opts', '-f', fixture(`${c.env}.subnet.env`), '-d', out, ...c.flags], {env: {...path.env, ...c.environment}})
        assert.equal(result.code, 0, result.stderr)
        assert.equal(result.stdout, '', 'silent on success, as the script is')
        assert.equal(result.stderr, '')
        assert.equal(readFileSync(out, 'utf8'), readFileSync(fixture(`${c.expected}.expected`), 'utf8'))
        assert.equal(statSync(out).mode & 0o777, 0o644)
      })
    }

    test('FLANNEL_IPMASQ that is neither true nor false: an error naming the file, nothing written', async () => {
      const out = join(dir, `${path.name.replace(' ', '-')}-bad.env`)
      const result = await runCli(['docker-opts', '-f', fixture('badmasq.subnet.env'), '-d', out], {env: path.env})
      assert.equal(result.code, 9)
      assert.match(result.stderr, /\[E_BAD_DATA\] Invalid value of FLANNEL_IPMASQ: yes .*badmasq\.subnet\.env/)
      assert.throws(() => statSync(out), /ENOENT/)
    })

    test('a missing env file: exit 7 naming the file and -f', async () => {
      const result = await runCli(['docker-opts', '-f', join(dir, 'nope.env'), '-d', join(dir, 'x.env')], {env: path.env})
      assert.equal(result.code, 7)
      assert.match(result.stderr, /nope\.env \(-f\)/)
      assert.match(result.stderr, /hint: flanctl up/)
    })

    test('--json: the result and warnings; --dry-run writes nothing', async () => {
      const out = join(dir, `${path.name.replace(' ', '-')}-dry.env`)
      const result = await runCli(['docker-opts', '-f', fixture('vxlan.subnet.env'), '-d', out, '--dry-run', '--json'], {env: path.env})
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual(json(result), {
        envFile: fixture('vxlan.subnet.env'),
        outFile: out,
        text: readFileSync(fixture('default.expected'), 'utf8'),
        written: false,
        warnings: [],
      })
      assert.throws(() => statSync(out), /ENOENT/)
    })
  })
}

test('the file is replaced by rename: no temporary file is left next to it', async () => {
  const sub = mkdtempSync(join(dir, 'atomic-'))
  const out = join(sub, 'docker_opts.env')
  writeFileSync(out, 'OLD=1\n')
  const result = await runCli(['docker-opts', '-f', fixture('vxlan.subnet.env'), '-d', out])
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(readdirSync(sub), ['docker_opts.env'])
  assert.equal(readFileSync(out, 'utf8'), readFileSync(fixture('default.expected'), 'utf8'))
})

test('--dry-run prints the file on stdout', async () => {
  const result = await runCli(['docker-opts', '-f', fixture('vxlan.subnet.env'), '-c', '-k', 'DOCKER_NETWORK_OPTIONS', '--dry-run'])
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout, 'DOCKER_NETWORK_OPTIONS=" --bip=10.1.44.1/24 --ip-masq=false --mtu=1450"\n')
})

test('an unknown flag is exit 2 on both paths', async () => {
  for (const path of PATHS) {
    const result = await runCli(['docker-opts', '-f', fixture('vxlan.subnet.env'), '--bogus'], {env: path.env})
    assert.equal(result.code, 2, path.name)
    assert.match(result.stderr, /\[E_USAGE\] Nonexistent flag: --bogus/, path.name)
  }
})

test('a flag given twice is oclif\'s error on both paths', async () => {
  for (const path of PATHS) {
    const result = await runCli(['docker-opts', '-k', 'A', '-k', 'B', '--dry-run', '-f', fixture('vxlan.subnet.env')], {env: path.env})
    assert.equal(result.code, 2, path.name)
    assert.match(result.stderr, /--key can only be specified once/, path.name)
  }
})

test('--help comes from oclif, with the examples', async () => {
  const result = await runCli(['docker-opts', '--help'])
  assert.equal(result.code, 0)
  assert.match(result.stdout, /mk-docker-opts\.sh/)
  assert.match(result.stdout, /EXAMPLES/)
  assert.match(result.stdout, /-k DOCKER_NETWORK_OPTIONS -d \/run\/flannel\/docker/)
})
