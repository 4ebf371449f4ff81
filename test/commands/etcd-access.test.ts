// The CLI's etcd error path, run inside a test namespace (`ip netns exec`): an endpoint that
// drops packets ends config get/set, subnets ls and lease show with exit 5 instead of a 135 s
// hang, each endpoint with its own cause; a leaderless cluster is named; a config written with
// the v2 API is pointed at; a port out of range is a usage error naming where it came from;
// CentOS's FLANNEL_ETCD_* spelling is warned about; TLS faults are the headline.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {startEtcd, startEtcdCluster, type EtcdCluster, type EtcdServer} from '../helpers/etcd-server.js'
import {createNetnsSandbox, requireRoot, type NetnsSandbox} from '../helpers/netns.js'
import {spawn} from 'node:child_process'
import {assertBuilt, BIN, ROOT, runCli, type CliResult} from './helpers/cli.js'

requireRoot('the etcd access command tests')

const DROPPED = 'http://127.0.0.1:3999'
const REFUSED = 'http://127.0.0.1:3998'
/** far longer than the few seconds a failure takes, far shorter than the old ~135 s hang */
const HANG_MS = 60_000

let sb: NetnsSandbox
let ns: string
let etcd: EtcdServer
let misnamed: EtcdServer

before(async () => {
  assertBuilt()
  sb = createNetnsSandbox('ca')
  ns = await sb.addNetns('h')
  const rule = await sb.exec(ns, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '3999', '-j', 'DROP')
  assert.equal(rule.exitCode, 0, rule.stderr)
  ;[etcd, misnamed] = await Promise.all([
    startEtcd({netns: ns, clientPort: 2479, peerPort: 2480, extraArgs: ['--enable-v2']}),
    startEtcd({netns: ns, name: 'misnamed', tls: true, serverCertFault: 'wrong-name', clientPort: 2779, peerPort: 2780}),
  ])
})
after(async () => {
  await etcd?.destroy()
  await misnamed?.destroy()
  await sb?.destroy()
})

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(args, {netns: ns, env, killAfterMs: HANG_MS})
  assert.notEqual(result.code, 137, `flanctl ${args.join(' ')} hung and was killed after ${HANG_MS} ms:\n${result.stderr}`)
  return result
}

describe('an endpoint that drops packets', () => {
  const commands = [['config', 'get'], ['config', 'set', '{"Network":"198.18.0.0/16"}'], ['subnets', 'ls'], ['lease', 'show', '198.18.1.0/24']]
  for (const command of commands) {
    test(`${command.slice(0, 2).join(' ')}: exit 5, each endpoint with its own cause`, {timeout: HANG_MS + 10_000}, async () => {
      const result = await cli([...command, '--etcd-endpoints', `${DROPPED},${REFUSED}`])
      assert.equal(result.code, 5, result.stderr)
      assert.match(result.stderr, /error \[E_ETCD_UNREACHABLE\] etcd http:\/\/127\.0\.0\.1:3999: no answer within 2 s; http:\/\/127\.0\.0\.1:3998: connection refused while /)
    })
  }
})

test('a dropping endpoint beside a live one: the commands answer from the live one, in a few seconds', {timeout: HANG_MS + 10_000}, async () => {
  const live = 'http://127.0.0.1:2479'
  const put = await cli(['config', 'set', '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}', '--etcd-endpoints', live, '--etcd-prefix', '/beside'])
  assert.equal(put.code, 0, put.stderr)
  // etcd3 picks an endpoint at random: several tries meet the dropping one first
  for (let i = 0; i < 4; i++) {
    for (const command of [['config', 'get'], ['subnets', 'ls']]) {
      const started = Date.now()
      const result = await cli([...command, '--etcd-endpoints', `${DROPPED},${live}`, '--etcd-prefix', '/beside'])
      assert.equal(result.code, 0, `${command.join(' ')}: ${result.stderr}`)
      assert.ok(Date.now() - started < 8000, `${command.join(' ')} took ${Date.now() - started} ms`)
    }
  }
})

test('a port out of range: usage error naming the flag, or the variable it came from', {timeout: 30_000}, async () => {
  const flag = await cli(['config', 'get', '--etcd-endpoints', 'http://127.0.0.1:99999'])
  assert.equal(flag.code, 2, flag.stderr)
  assert.match(flag.stderr, /error \[E_USAGE\] etcd endpoint http:\/\/127\.0\.0\.1:99999 in --etcd-endpoints: port 99999 is out of range \(1-65535\)/)
  assert.doesNotMatch(flag.stderr, /RangeError/)
  const env = await cli(['subnets', 'ls'], {FLANNELD_ETCD_ENDPOINTS: 'http://127.0.0.1:99999'})
  assert.equal(env.code, 2, env.stderr)
  assert.match(env.stderr, /in FLANNELD_ETCD_ENDPOINTS \(environment\): port 99999 is out of range/)
})

test('a config written with the v2 API: said so, with the way to write it for v3', {timeout: 30_000}, async () => {
  const v2 = await sb.exec(ns, 'env', 'ETCDCTL_API=2', '/usr/bin/etcdctl', `--endpoints=${etcd.endpoint}`, 'mk', '/v2only/network/config', '{"Network":"198.18.0.0/16"}')
  assert.equal(v2.exitCode, 0, v2.stderr)
  const result = await cli(['config', 'get', '--etcd-endpoints', etcd.endpoint, '--etcd-prefix', '/v2only/network'])
  assert.equal(result.code, 4, result.stderr)
  assert.match(result.stderr, /no network config at \/v2only\/network\/config in etcd's v3 API .*but \/v2only\/network\/config exists in the v2 API/)
})

test('CentOS\'s FLANNEL_ETCD_ENDPOINTS: a warning naming both spellings', {timeout: 30_000}, async () => {
  const result = await cli(['config', 'get', '--etcd-prefix', '/nothing/here'], {FLANNEL_ETCD_ENDPOINTS: etcd.endpoint})
  assert.match(result.stderr, /warning: FLANNEL_ETCD_ENDPOINTS=http:\/\/127\.0\.0\.1:2479 is set, but flanctl reads FLANNELD_ETCD_ENDPOINTS/)
})

test('a server certificate for another name is the headline', {timeout: 30_000}, async () => {
  const tls = misnamed.tls!
  const result = await cli(['config', 'get', '--etcd-endpoints', misnamed.endpoint, '--etcd-cafile', tls.caFile, '--etcd-certfile', tls.clientCertFile, '--etcd-keyfile', tls.clientKeyFile])
  assert.equal(result.code, 5, result.stderr)
  assert.match(result.stderr, /error \[E_ETCD_ACCESS\] etcd https:\/\/127\.0\.0\.1:2779: server certificate is for etcd\.example, not 127\.0\.0\.1 while /)
})

test('an expired client certificate: "expired on DATE"', {timeout: 30_000}, async () => {
  const tls = misnamed.tls!
  const result = await cli(['config', 'get', '--etcd-endpoints', misnamed.endpoint, '--etcd-cafile', tls.caFile, '--etcd-certfile', tls.expiredClientCertFile, '--etcd-keyfile', tls.clientKeyFile])
  assert.equal(result.code, 5, result.stderr)
  assert.match(result.stderr, /client certificate \S+expired-client\.crt expired on \d{4}-\d\d-\d\d/)
})

describe('quorum lost', () => {
  let cluster: EtcdCluster
  let clusterNs: string
  before(async () => {
    clusterNs = await sb.addNetns('c')
    cluster = await startEtcdCluster(3, {netns: clusterNs})
    await cluster.etcdctl(['put', '/coreos.com/network/config', '{"Network":"198.18.0.0/16"}'])
  })
  after(async () => {
    await cluster?.destroy()
  })

  test('config get: the cluster has no leader, and how many members answer', {timeout: 120_000}, async () => {
    await Promise.all([cluster.members[1].stop(), cluster.members[2].stop()])
    const run = () => runCli(['config', 'get', '--etcd-endpoints', cluster.endpoints.join(',')], {netns: clusterNs, killAfterMs: HANG_MS})
    // the last member steps down once it has not heard from a majority: wait for that event
    let result = await run()
    for (let i = 0; i < 20 && !/no leader/.test(result.stderr); i++) result = await run()
    assert.equal(result.code, 5, result.stderr)
    assert.match(result.stderr, /the etcd cluster has no leader \(quorum lost\?\): 1 of 3 members answer/)
    assert.doesNotMatch(result.stderr, /Check the address and port/)
  })
})

test('up against an endpoint that drops packets: SIGTERM ends it at once, exit 0, not when the kernel gives up on the connect', {timeout: HANG_MS + 10_000}, async () => {
  await sb.addBridge(ns, 'br0', '203.0.113.5/24') // the agent's external interface
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, BIN, 'up', '--etcd-endpoints', DROPPED, '--iface', 'br0', '--subnet-file', '/nonexistent/flanctl-test/subnet.env'], {cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  // the first read has timed out: grpc is dialling the dropping endpoint again
  const deadline = Date.now() + 30_000
  while (!/reading the network config failed/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  assert.match(stderr, /reading the network config failed/)
  const stoppedAt = Date.now()
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS)
  const code = await exited
  clearTimeout(timer)
  assert.equal(code, 0, `stopped ${Date.now() - stoppedAt} ms after SIGTERM; ${stderr}`)
  assert.ok(Date.now() - stoppedAt < 10_000, `up took ${Date.now() - stoppedAt} ms to exit after SIGTERM`)
})
