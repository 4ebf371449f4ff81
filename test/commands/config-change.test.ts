// config set over a config that running hosts hold: how many hosts hold leases of the old
// shape, that each changes only when its agent restarts, that the old and the new backend cannot
// reach each other meanwhile, and that docker must be restarted where FLANNEL_MTU changes, in the
// human output and in --json. And its warnings about what `up` cannot run, from the registry.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {BACKEND_TYPES, RUNNABLE_BACKEND_TYPES} from '../../src/backends/registry.js'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, json, runCli} from './helpers/cli.js'

let etcd: EtcdServer
const PREFIX = '/change/network'
const at = () => ['--etcd-endpoints', etcd.endpoint, '--etcd-prefix', PREFIX]
const vxlanLease = (n: number) => `{"PublicIP":"203.0.113.${n}","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:0${n}"}}`

before(async () => {
  assertBuilt()
  etcd = await startEtcd()
  await etcd.etcdctl(['put', `${PREFIX}/config`, '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}'])
  for (const n of [1, 2, 3]) await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.${n}.0-24`, vxlanLease(n)])
})
after(async () => { await etcd?.destroy() })

interface Change {
  changed: string[]; hostsOnOldShape: number; oldShapeLeases: string[]; changesWhen: string
  splitsNetwork: boolean; mtu: {from: string; to: string} | null; dockerRestart: boolean; notes: string[]
}

test('a backend switch: 3 hosts of the old shape, a split network meanwhile, docker restarts for the MTU (--json)', async () => {
  const result = await runCli(['config', 'set', '{"Network":"10.5.0.0/16","Backend":{"Type":"host-gw"}}', '--dry-run', ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const {change} = json<{change: Change}>(result)
  assert.deepEqual(change.changed, ['Backend.Type vxlan -> host-gw', 'FLANNEL_MTU underlay MTU - 50 -> underlay MTU'])
  assert.equal(change.hostsOnOldShape, 3)
  assert.deepEqual(change.oldShapeLeases, [1, 2, 3].map((n) => `${PREFIX}/subnets/10.5.${n}.0-24`))
  assert.equal(change.changesWhen, 'agent-restart')
  assert.equal(change.splitsNetwork, true)
  assert.deepEqual(change.mtu, {from: 'underlay MTU - 50', to: 'underlay MTU'})
  assert.equal(change.dockerRestart, true)
})

test('the same facts for people: counts, "only when its agent restarts", cannot reach, restart docker', async () => {
  const result = await runCli(['config', 'set', '--network', '10.5.0.0/16', '--backend', 'host-gw', '--dry-run', ...at()])
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stdout, /^What changes, and when:$/m)
  assert.match(result.stdout, /^ {2}Backend\.Type vxlan -> host-gw$/m)
  assert.match(result.stdout, /3 hosts hold leases of the old shape \(vxlan\); each changes only when its agent restarts/)
  assert.match(result.stdout, /hosts on the old vxlan config and hosts on the new host-gw config cannot reach each other/)
  assert.match(result.stdout, /FLANNEL_MTU changes \(underlay MTU - 50 -> underlay MTU\): restart docker on each host after its agent/)
})

test('a SubnetLen change: every host moves subnet on restart (docker --bip); same backend, no split', async () => {
  const result = await runCli(['config', 'set', '{"Network":"10.5.0.0/16","SubnetLen":26,"Backend":{"Type":"vxlan"}}', '--dry-run', ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const {change} = json<{change: Change}>(result)
  assert.deepEqual(change.changed, ['SubnetLen 24 -> 26'])
  assert.equal(change.hostsOnOldShape, 3)
  assert.equal(change.splitsNetwork, false)
  assert.equal(change.mtu, null)
  assert.match(change.notes.join('\n'), /get a new subnet when their agent restarts: restart docker there too \(new --bip\)/)
})

test('a change that keeps the shape (SubnetMax only): no host of the old shape, nothing to restart', async () => {
  const result = await runCli(['config', 'set', '{"Network":"10.5.0.0/16","SubnetMax":"10.5.200.0","Backend":{"Type":"vxlan"}}', '--dry-run', ...at(), '--json'])
  assert.equal(result.code, 0, result.stderr)
  const {change} = json<{change: Change}>(result)
  assert.deepEqual(change, {changed: [], hostsOnOldShape: 0, oldShapeLeases: [], changesWhen: 'agent-restart', splitsNetwork: false, mtu: null, dockerRestart: false, notes: []})
  const human = await runCli(['config', 'set', '{"Network":"10.5.0.0/16","SubnetMax":"10.5.200.0","Backend":{"Type":"vxlan"}}', '--dry-run', ...at()])
  assert.doesNotMatch(human.stdout, /What changes/)
})

test('every backend type up cannot run (from the registry), and unknown ones, warn "flanctl up will refuse"; runnable ones do not', async () => {
  const unrunnable = [...BACKEND_TYPES.filter((type) => !RUNNABLE_BACKEND_TYPES.includes(type)), 'ipip']
  for (const type of [...unrunnable, ...RUNNABLE_BACKEND_TYPES]) {
    const result = await runCli(['config', 'set', JSON.stringify({Network: '10.7.0.0/16', Backend: {Type: type}}), '--dry-run', ...at(), '--json'])
    assert.equal(result.code, 0, result.stderr)
    const refusals = json<{warnings: string[]}>(result).warnings.filter((w) => w.includes('flanctl up will refuse'))
    if (unrunnable.includes(type)) assert.match(refusals.join('\n'), new RegExp(`Backend\\.Type "${type}".* is not supported`), type)
    else assert.deepEqual(refusals, [], type)
  }
  const v6 = await runCli(['config', 'set', '{"Network":"10.7.0.0/16","EnableIPv6":true,"IPv6Network":"fc00::/48","Backend":{"Type":"vxlan"}}', '--dry-run', ...at(), '--json'])
  assert.match(json<{warnings: string[]}>(v6).warnings.join('\n'), /EnableIPv6: .*flanctl up will refuse this config/)
})

test('subnets ls warns when the leases are of several backend types, and not when of one', async () => {
  const one = await runCli(['subnets', 'ls', ...at(), '--json'])
  assert.equal(one.code, 0, one.stderr)
  assert.deepEqual(json<{warnings: string[]}>(one).warnings, [])
  await etcd.etcdctl(['put', `${PREFIX}/subnets/10.5.9.0-24`, '{"PublicIP":"203.0.113.9","PublicIPv6":null,"BackendType":"host-gw"}'])
  try {
    const mixed = await runCli(['subnets', 'ls', ...at()])
    assert.equal(mixed.code, 0, mixed.stderr)
    assert.match(mixed.stderr, /^warning: leases of several backend types \(1 host-gw, 3 vxlan\): hosts on different backends cannot reach each other/m)
  } finally {
    await etcd.etcdctl(['del', `${PREFIX}/subnets/10.5.9.0-24`])
  }
})
