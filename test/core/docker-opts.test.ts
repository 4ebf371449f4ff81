import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {dockerOpts, type DockerOptsOptions} from '../../src/core/docker-opts.js'

// flannel's dist/sample_subnet.env, and the expectations of its mk_docker_opts_test.go
const SAMPLE = {FLANNEL_NETWORK: '10.1.0.0/16', FLANNEL_SUBNET: '10.1.74.1/24', FLANNEL_MTU: '1472', FLANNEL_IPMASQ: 'false'}
const DEFAULTS: DockerOptsOptions = {individual: false, combined: false, key: 'DOCKER_OPTS', omitIpMasq: false}

test('flannel mk-docker-opts cases', () => {
  const table: Array<[string, Partial<DockerOptsOptions>, string]> = [
    ['default (individual + combined)', {},
      'DOCKER_OPT_BIP="--bip=10.1.74.1/24"\nDOCKER_OPT_IPMASQ="--ip-masq=true"\nDOCKER_OPT_MTU="--mtu=1472"\nDOCKER_OPTS=" --bip=10.1.74.1/24 --ip-masq=true --mtu=1472"\n'],
    ['individual only (-i)', {individual: true},
      'DOCKER_OPT_BIP="--bip=10.1.74.1/24"\nDOCKER_OPT_IPMASQ="--ip-masq=true"\nDOCKER_OPT_MTU="--mtu=1472"\n'],
    ['combined only (-c)', {combined: true}, 'DOCKER_OPTS=" --bip=10.1.74.1/24 --ip-masq=true --mtu=1472"\n'],
    ['both (-i -c)', {individual: true, combined: true},
      'DOCKER_OPT_BIP="--bip=10.1.74.1/24"\nDOCKER_OPT_IPMASQ="--ip-masq=true"\nDOCKER_OPT_MTU="--mtu=1472"\nDOCKER_OPTS=" --bip=10.1.74.1/24 --ip-masq=true --mtu=1472"\n'],
    ['custom key (-k CUSTOM_KEY)', {key: 'CUSTOM_KEY'},
      'DOCKER_OPT_BIP="--bip=10.1.74.1/24"\nDOCKER_OPT_IPMASQ="--ip-masq=true"\nDOCKER_OPT_MTU="--mtu=1472"\nCUSTOM_KEY=" --bip=10.1.74.1/24 --ip-masq=true --mtu=1472"\n'],
    ['strip ip-masq (-m)', {omitIpMasq: true},
      'DOCKER_OPT_BIP="--bip=10.1.74.1/24"\nDOCKER_OPT_MTU="--mtu=1472"\nDOCKER_OPTS=" --bip=10.1.74.1/24 --mtu=1472"\n'],
  ]
  for (const [name, options, want] of table) {
    const r = dockerOpts(SAMPLE, {...DEFAULTS, ...options})
    assert.ok(r.ok, name)
    assert.equal(r.value, want, name)
  }
})

test('mk-docker-opts.sh edge cases', () => {
  const table: Array<[string, Record<string, string>, Partial<DockerOptsOptions>, string]> = [
    ['FLANNEL_IPMASQ=true turns docker masquerading off', {...SAMPLE, FLANNEL_IPMASQ: 'true'}, {combined: true},
      'DOCKER_OPTS=" --bip=10.1.74.1/24 --ip-masq=false --mtu=1472"\n'],
    ['missing variables leave their option out', {FLANNEL_SUBNET: '10.1.74.1/24'}, {},
      'DOCKER_OPT_BIP="--bip=10.1.74.1/24"\nDOCKER_OPTS=" --bip=10.1.74.1/24"\n'],
    ['empty variables count as missing', {FLANNEL_SUBNET: '', FLANNEL_MTU: '1472', FLANNEL_IPMASQ: ''}, {},
      'DOCKER_OPT_MTU="--mtu=1472"\nDOCKER_OPTS=" --mtu=1472"\n'],
    ['no file: an empty combined variable', {}, {}, 'DOCKER_OPTS=""\n'],
    ['no file, individual only: an empty output', {}, {individual: true}, ''],
    ['-k __proto__ is just a name', {}, {key: '__proto__'}, '__proto__=""\n'],
    ['an invalid FLANNEL_IPMASQ is not looked at with -m', {...SAMPLE, FLANNEL_IPMASQ: 'yes'}, {omitIpMasq: true, combined: true},
      'DOCKER_OPTS=" --bip=10.1.74.1/24 --mtu=1472"\n'],
    ['the combined variable set in the file starts the value', {...SAMPLE, DOCKER_OPTS: '--debug'}, {combined: true},
      'DOCKER_OPTS="--debug  --bip=10.1.74.1/24 --ip-masq=true --mtu=1472"\n'],
    ['DOCKER_OPT_* variables in the file come out too, sorted', {...SAMPLE, DOCKER_OPT_DNS: '--dns=192.0.2.53', DOCKER_OPT_A: '--a'}, {},
      'DOCKER_OPT_A="--a"\nDOCKER_OPT_BIP="--bip=10.1.74.1/24"\nDOCKER_OPT_DNS="--dns=192.0.2.53"\nDOCKER_OPT_IPMASQ="--ip-masq=true"\nDOCKER_OPT_MTU="--mtu=1472"\n' +
      'DOCKER_OPTS=" --a --bip=10.1.74.1/24 --dns=192.0.2.53 --ip-masq=true --mtu=1472"\n'],
  ]
  for (const [name, vars, options, want] of table) {
    const r = dockerOpts(vars, {...DEFAULTS, ...options})
    assert.ok(r.ok, name)
    assert.equal(r.value, want, name)
  }
})

test('errors: FLANNEL_IPMASQ other than true/false; a bad -k', () => {
  for (const value of ['yes', 'TRUE', '1', ' true']) {
    const r = dockerOpts({...SAMPLE, FLANNEL_IPMASQ: value}, DEFAULTS)
    assert.ok(!r.ok, value)
    assert.equal(r.error.code, 'E_BAD_DATA')
    assert.ok(r.error.message.startsWith(`Invalid value of FLANNEL_IPMASQ: ${value}`))
  }
  for (const key of ['', 'A B', '1X', 'X;rm']) {
    const r = dockerOpts(SAMPLE, {...DEFAULTS, key})
    assert.ok(!r.ok, key)
    assert.equal(r.error.code, 'E_USAGE')
  }
})

test('fuzz: dockerOpts never throws', () => {
  fc.assert(fc.property(
    fc.dictionary(fc.constantFrom('FLANNEL_SUBNET', 'FLANNEL_MTU', 'FLANNEL_IPMASQ', 'DOCKER_OPTS', 'DOCKER_OPT_X', '__proto__'), fc.string()),
    fc.record({individual: fc.boolean(), combined: fc.boolean(), key: fc.string(), omitIpMasq: fc.boolean()}),
    (vars, options) => {
      const r = dockerOpts(vars, options)
      return r.ok ? r.value === '' || r.value.endsWith('\n') : typeof r.error.message === 'string'
    },
  ), {numRuns: 2000})
})
