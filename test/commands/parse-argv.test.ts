// The one parser (src/cli/parse-argv.ts) against oclif's own parser given the oclif flags derived
// from the same tables (src/cli/oclif-flags.ts): over generated argv and FLANNELD_* variables,
// both accept or both reject, and give the same flags and arguments.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {parse} from '@oclif/core/parser'
import {commandFlags, type CommandDefinition} from '../../src/cli/command-definition.js'
import {oclifArgs, oclifFlags} from '../../src/cli/oclif-flags.js'
import {parseArgv} from '../../src/cli/parse-argv.js'
import configSet from '../../src/commands/config/set.js'
import dockerOpts from '../../src/commands/docker-opts.js'
import labExec from '../../src/commands/lab/exec.js'
import labUp from '../../src/commands/lab/up.js'
import leaseReserve from '../../src/commands/lease/reserve.js'
import subnetsLs from '../../src/commands/subnets/ls.js'
import up from '../../src/commands/up.js'

type Definition = CommandDefinition<any, any, any>
type Outcome = {accepted: true; flags: Record<string, unknown>; args: Record<string, unknown>; argv: string[]} | {accepted: false; message: string}

async function oclifOutcome(definition: Definition, argv: string[]): Promise<Outcome> {
  try {
    const out = await parse([...argv], {flags: oclifFlags(commandFlags(definition)), args: oclifArgs(definition.args), strict: definition.strict !== false})
    return {accepted: true, flags: out.flags, args: out.args, argv: out.argv as string[]}
  } catch (error) {
    return {accepted: false, message: (error as Error).message}
  }
}

function handOutcome(definition: Definition, argv: string[]): Outcome {
  try {
    const out = parseArgv({flags: commandFlags(definition), args: definition.args, strict: definition.strict}, argv)
    return {accepted: true, ...out}
  } catch (error) {
    return {accepted: false, message: (error as Error).message}
  }
}

/** With these variables set (and only these of the command's), as oclif reads process.env itself. */
async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = {...process.env}
  for (const name of Object.keys(process.env)) if (name.startsWith('FLANNELD_')) delete process.env[name]
  Object.assign(process.env, env)
  try {
    return await work()
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
}

async function sameOutcome(definition: Definition, argv: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return withEnv(env, async () => {
    const hand = handOutcome(definition, argv)
    const oclif = await oclifOutcome(definition, argv)
    const where = `argv ${JSON.stringify(argv)}, env ${JSON.stringify(env)}: hand ${JSON.stringify(hand)}, oclif ${JSON.stringify(oclif)}`
    assert.equal(hand.accepted, oclif.accepted, where)
    if (hand.accepted && oclif.accepted) {
      assert.deepEqual(hand.flags, oclif.flags, where)
      assert.deepEqual(hand.args, oclif.args, where)
      // oclif sorts argv by each word's first place in the input (a word split off `--flag=` has
      // none): comparable only when each of its words is typed, and given, exactly once (see the lab exec test)
      // (nor when a word split off `--flag=word` is also typed as a word of its own: oclif places it there)
      const once = (list: string[], word: string) => list.filter((w) => w === word).length === 1
      const splitOff = argv.filter((w) => w.startsWith('-') && w.includes('=')).map((w) => w.slice(w.indexOf('=') + 1))
      if (hand.argv.every((word) => once(argv, word) && once(hand.argv, word) && !splitOff.includes(word))) assert.deepEqual(hand.argv, oclif.argv, where)
    }
    return hand
  })
}

/** Words a user might type for this command: its flags in every spelling, values, arguments. */
function argvFor(definition: Definition): fc.Arbitrary<string[]> {
  const flags = commandFlags(definition)
  const names = Object.keys(flags)
  const values = fc.oneof(
    fc.constantFrom('', '-', '--', '0', '1', '-1', '-5x', '7', '65536', '1439', '1440', 'true', 'false', 'eth0', 'a=b', '/tmp/x.env', '10.5.0.0/16', '--json', '-x', '--bogus'),
    fc.constantFrom('table', ...names.flatMap((name) => [...(flags[name].options ?? [])])),
    fc.string({maxLength: 4}),
  )
  const flagWord = fc.constantFrom(...names).chain((name) => {
    const flag = flags[name]
    const spellings = [fc.constant(`--${name}`), values.map((v) => `--${name}=${v}`)]
    if (flag.char !== undefined) spellings.push(fc.constant(`-${flag.char}`), values.map((v) => `-${flag.char}${v}`), values.map((v) => `-${flag.char}=${v}`))
    if (flag.allowNo) spellings.push(fc.constant(`--no-${name}`))
    return fc.oneof(...spellings)
  })
  const chars = names.map((name) => flags[name].char).filter((c): c is string => c !== undefined)
  const grouped = chars.length < 2 ? fc.constant('--no-such') : fc.subarray(chars, {minLength: 2}).map((cs) => `-${cs.join('')}`)
  const word = fc.oneof({weight: 4, arbitrary: flagWord}, {weight: 3, arbitrary: values}, {weight: 1, arbitrary: grouped}, {weight: 1, arbitrary: fc.constantFrom('--', '--help', '--nope', 'h1', '10.5.52.0/24')})
  return fc.array(word, {maxLength: 7})
}

function envFor(definition: Definition): fc.Arbitrary<Record<string, string>> {
  const vars = Object.values(commandFlags(definition)).flatMap((f) => (f.env === undefined ? [] : [f.env]))
  if (vars.length === 0) return fc.constant({})
  const value = fc.constantFrom('', 'true', 'false', 'yes', '0', '5', '-3', '70000', 'json', 'plain', 'eth1,eth2', 'http://127.0.0.1:2379')
  return fc.dictionary(fc.constantFrom(...vars), value, {maxKeys: 3})
}

const DEFINITIONS: Record<string, Definition> = {'docker-opts': dockerOpts, up, 'subnets ls': subnetsLs, 'config set': configSet, 'lease reserve': leaseReserve, 'lab exec': labExec, 'lab up': labUp}

for (const [id, definition] of Object.entries(DEFINITIONS)) {
  test(`${id}: the hand parser and oclif's accept, reject and read argv alike`, async () => {
    await fc.assert(fc.asyncProperty(argvFor(definition), envFor(definition), (argv, env) => sameOutcome(definition, argv, env).then(() => undefined)), {numRuns: 500})
  })
}

const DEFAULTS = {
  json: false, 'no-color': false, 'env-file': '/run/flannel/subnet.env', dest: '/run/docker_opts.env',
  individual: false, combined: false, key: 'DOCKER_OPTS', 'omit-ip-masq': false, 'dry-run': false,
}

const accepted = async (argv: string[]) => {
  const outcome = await sameOutcome(dockerOpts, argv)
  assert.ok(outcome.accepted, `${argv.join(' ')}: ${JSON.stringify(outcome)}`)
  return outcome.flags
}

test('docker-opts: short, long, grouped, inline values, as oclif parses them', async () => {
  assert.deepEqual(await accepted([]), DEFAULTS)
  assert.deepEqual(await accepted(['-f', '/a.env', '-d/b.env', '-ic', '--key=K', '-m', '--json']),
    {...DEFAULTS, 'env-file': '/a.env', dest: '/b.env', individual: true, combined: true, key: 'K', 'omit-ip-masq': true, json: true})
  assert.deepEqual(await accepted(['--env-file', '/a.env', '--dry-run', '--no-color']), {...DEFAULTS, 'env-file': '/a.env', 'dry-run': true, 'no-color': true})
  assert.deepEqual(await accepted(['-d', '-']), {...DEFAULTS, dest: '-'})
})

test('docker-opts: what oclif rejects is rejected, with oclif\'s reason', async () => {
  const reasons: Array<[string[], RegExp]> = [
    [['--help'], /Nonexistent flag: --help/], [['--bogus'], /Nonexistent flag: --bogus/], [['extra'], /Unexpected argument: extra/],
    [['-k', 'A', '-k', 'B'], /Flag --key can only be specified once/], [['-d', '--json'], /Flag --dest expects a value/],
    [['--', '-f'], /Unexpected argument: -f/], [['--dry-run=true'], /Unexpected argument: true/], [['-f'], /Flag --env-file expects a value/],
    [['--no-dry-run'], /Nonexistent flag: --no-dry-run/],
  ]
  for (const [argv, reason] of reasons) {
    const outcome = await sameOutcome(dockerOpts, argv)
    assert.ok(!outcome.accepted, argv.join(' '))
    assert.match(outcome.message, reason)
  }
})

test('up: FLANNELD_* variables, then defaults; a repeatable flag from its variable is one string', async () => {
  const outcome = await sameOutcome(up, [], {FLANNELD_IFACE: 'eth1,eth2', FLANNELD_IP_MASQ: 'true', FLANNELD_HEALTHZ_PORT: '8285'})
  assert.ok(outcome.accepted)
  assert.equal(outcome.flags.iface, 'eth1,eth2')
  assert.equal(outcome.flags['ip-masq'], true)
  assert.equal(outcome.flags['healthz-port'], 8285)
  assert.equal(outcome.flags['subnet-lease-renew-margin'], 60)
  const outOfRange = await sameOutcome(up, ['--subnet-lease-renew-margin', '1440'])
  assert.ok(!outOfRange.accepted)
  assert.match(outOfRange.message, /less than or equal to 1439/)
})

test('lab exec: the command after `--` keeps its order, also with repeated words (oclif\'s argv would reorder them)', async () => {
  const outcome = await sameOutcome(labExec, ['h1', '--', 'echo', 'h1', '-n', 'echo'])
  assert.ok(outcome.accepted)
  assert.deepEqual(outcome.args, {host: 'h1'})
  assert.deepEqual(outcome.argv, ['h1', 'echo', 'h1', '-n', 'echo'])
})
