// The seeds' udp configs through the built CLI against a real etcd: `config set` writes them with
// no "up will refuse" warning (udp runs now), and `config get` shows their Port.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, json, runCli} from './helpers/cli.js'

let etcd: EtcdServer

before(async () => {
  assertBuilt()
  etcd = await startEtcd()
})
after(async () => {
  await etcd?.destroy()
})

test('config set takes the seeds\' udp configs (no Backend, and Port 7890) without warnings', async () => {
  const at = ['--etcd-endpoints', etcd.endpoint]
  const cases: Array<[string, string]> = [
    ['{"Network":"172.17.0.0/16"}', 'port 8285'],
    ['{"Network":"10.0.0.0/8","SubnetLen":20,"SubnetMin":"10.10.0.0","SubnetMax":"10.99.0.0","Backend":{"Type":"udp","Port":7890}}', 'port 7890'],
  ]
  for (const [text, port] of cases) {
    const set = await runCli(['config', 'set', text, ...at, '--json'])
    assert.equal(set.code, 0, set.stderr)
    assert.deepEqual(json<{written: boolean; warnings: string[]}>(set).warnings, [], text)
    const get = await runCli(['config', 'get', ...at])
    assert.match(get.stdout, new RegExp(`^Backend: +udp, ${port}$`, 'm'))
  }
})
