import {test} from 'node:test'
import assert from 'node:assert/strict'
import {goFlagArgv} from '../../src/cli/go-flag-argv.js'
import {upFlags} from '../../src/cli/up-flags.js'

test('flanneld spellings become oclif ones', () => {
  assert.deepEqual(
    goFlagArgv(['-etcd-endpoints=http://10.0.0.5:2379', '-iface', 'eth1', '--ip-masq=true', '--iptables-forward-rules=false', '-ip-masq=0'], upFlags),
    ['--etcd-endpoints=http://10.0.0.5:2379', '--iface', 'eth1', '--ip-masq', '--no-iptables-forward-rules', '--no-ip-masq'],
  )
})

test('other arguments pass through unchanged', () => {
  const argv = ['--iface', 'eth0', '-h', '--subnet-file=/tmp/x.env', '--iface-regex', '-x', '--', '-iface']
  assert.deepEqual(goFlagArgv(argv, upFlags), ['--iface', 'eth0', '-h', '--subnet-file=/tmp/x.env', '--iface-regex', '-x', '--', '-iface'])
})

test('a boolean with a value that is not a boolean is left for oclif to reject', () => {
  assert.deepEqual(goFlagArgv(['--ip-masq=maybe'], upFlags), ['--ip-masq=maybe'])
})

test('repeatable flags: a list from the command line, one string from the environment', async () => {
  const {flagList} = await import('../../src/cli/agent-flags.js')
  assert.deepEqual(flagList(undefined), [])
  assert.deepEqual(flagList(['eth0', '192.0.2.1']), ['eth0', '192.0.2.1'])
  assert.deepEqual(flagList('eth1, eth2', true), ['eth1', 'eth2'])
  assert.deepEqual(flagList('^e(th){1,2}'), ['^e(th){1,2}'])
  assert.deepEqual(flagList(''), [])
})
