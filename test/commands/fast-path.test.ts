// The fast path's parser (src/cli/fast-path.ts) must either parse argv exactly as oclif would or
// hand it back to oclif (undefined). The docker-opts tests check the output of both paths.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseFlags} from '../../src/cli/fast-path.js'
import {assertBuilt, ROOT} from './helpers/cli.js'

function spec() {
  assertBuilt()
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
  return manifest.commands['docker-opts']
}

const DEFAULTS = {
  json: false, 'no-color': false, 'env-file': '/run/flannel/subnet.env', dest: '/run/docker_opts.env',
  individual: false, combined: false, key: 'DOCKER_OPTS', 'omit-ip-masq': false, 'dry-run': false,
}

test('parses what oclif parses the same way: short, long, grouped, inline values', () => {
  const s = spec()
  assert.deepEqual(parseFlags(s, []), DEFAULTS)
  assert.deepEqual(parseFlags(s, ['-f', '/a.env', '-d/b.env', '-ic', '--key=K', '-m', '--json']),
    {...DEFAULTS, 'env-file': '/a.env', dest: '/b.env', individual: true, combined: true, key: 'K', 'omit-ip-masq': true, json: true})
  assert.deepEqual(parseFlags(s, ['--env-file', '/a.env', '--dry-run', '--no-color']), {...DEFAULTS, 'env-file': '/a.env', 'dry-run': true, 'no-color': true})
})

test('hands everything else to oclif', () => {
  const s = spec()
  for (const argv of [
    ['--help'], ['-h'], ['--bogus'], ['extra'], ['-k', 'A', '-k', 'B'], ['-d', '--json'], ['-d', '-'],
    ['--', '-f'], ['--dry-run=true'], ['-f'], ['--no-dry-run'],
  ]) {
    assert.equal(parseFlags(s, argv), undefined, argv.join(' '))
  }
})
