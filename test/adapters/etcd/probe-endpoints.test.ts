// probeEndpoints against real etcds inside a test namespace: each endpoint's own cause (a
// dropping endpoint is "no answer", a refusing one "connection refused", a refused remote one
// hints at an etcd listening on localhost only), the TLS faults named (expired or misnamed
// server certificate, unknown CA, expired client certificate), a cluster without a leader, and
// findConfigElsewhere finding a config written with the v2 API or under another prefix.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'
import type {EndpointReport} from '../../../src/adapters/etcd/probe-endpoints.js'
import {judgeCluster} from '../../../src/core/etcd-cluster-verdict.js'
import type {ConfigElsewhere} from '../../../src/engine/find-config-elsewhere.js'
import {startEtcd, startEtcdCluster, type EtcdCluster, type EtcdServer} from '../../helpers/etcd-server.js'
import {createNetnsSandbox, requireRoot, type NetnsSandbox} from '../../helpers/netns.js'

requireRoot('the endpoint probe tests')

const FIXTURE = fileURLToPath(new URL('./probe.fixture.ts', import.meta.url))
const DROPPED = 'http://127.0.0.1:3999'
const REFUSED = 'http://127.0.0.1:3998'
const REMOTE_REFUSED = 'http://203.0.113.1:3998'
const CONFIG = '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'

let sb: NetnsSandbox
let ns: string
let plain: EtcdServer
let tls: EtcdServer
let expired: EtcdServer
let misnamed: EtcdServer

before(async () => {
  sb = createNetnsSandbox('pe')
  ns = await sb.addNetns('h')
  await sb.ip(ns, 'addr', 'add', '203.0.113.1/32', 'dev', 'lo')
  // packets to 3999 are dropped (no RST): connects hang until their own timeout
  await sb.exec(ns, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '3999', '-j', 'DROP').then((r) => assert.equal(r.exitCode, 0, r.stderr))
  ;[plain, tls, expired, misnamed] = await Promise.all([
    startEtcd({netns: ns, name: 'plain', clientPort: 2479, peerPort: 2480, extraArgs: ['--enable-v2']}),
    startEtcd({netns: ns, name: 'tls', tls: true, clientPort: 2579, peerPort: 2580}),
    startEtcd({netns: ns, name: 'expired', tls: true, serverCertFault: 'expired', clientPort: 2679, peerPort: 2680}),
    startEtcd({netns: ns, name: 'misnamed', tls: true, serverCertFault: 'wrong-name', clientPort: 2779, peerPort: 2780}),
  ])
})
after(async () => {
  await Promise.all([plain, tls, expired, misnamed].map((e) => e?.destroy()))
  await sb?.destroy()
})

async function inNs<T>(request: object): Promise<T> {
  const result = await sb.exec(ns, process.execPath, '--import', 'tsx', FIXTURE, JSON.stringify(request))
  assert.equal(result.exitCode, 0, result.stderr)
  return JSON.parse(result.stdout) as T
}

const probe = (request: {endpoints: string[]; tls?: object; auth?: object; timeoutMs?: number}) => inNs<EndpointReport[]>({timeoutMs: 2000, ...request})

describe('each endpoint its own cause', () => {
  test('dropping, refusing, refused remote and live endpoints side by side', {timeout: 60_000}, async () => {
    const [dropped, refused, remote, live] = await probe({endpoints: [DROPPED, REFUSED, REMOTE_REFUSED, plain.endpoint]})
    assert.deepEqual([dropped.failedStage, dropped.cause], ['tcp', 'no answer within 2 s'])
    assert.deepEqual([refused.failedStage, refused.cause], ['tcp', 'connection refused'])
    assert.doesNotMatch(refused.hint ?? '', /localhost only/)
    assert.deepEqual([remote.failedStage, remote.cause], ['tcp', 'connection refused'])
    assert.match(remote.hint ?? '', /localhost only: its --listen-client-urls \(ETCD_LISTEN_CLIENT_URLS\) must include http:\/\/203\.0\.113\.1:3998/)
    assert.equal(live.ok, true, JSON.stringify(live))
    assert.equal(live.version, '3.4.23')
    assert.equal(live.isLeader, true)
    assert.equal(live.leaderId, live.memberId)
    const verdict = judgeCluster([dropped, refused, remote, live])
    assert.equal(verdict.state, 'partial')
    assert.equal(verdict.answering, 1)
  })

  test('a port out of range is a url failure, a peer port is not an etcd client port', {timeout: 30_000}, async () => {
    const [range, peer] = await probe({endpoints: ['http://127.0.0.1:99999', 'http://127.0.0.1:2480']})
    assert.deepEqual([range.failedStage, range.cause], ['url', 'port 99999 is out of range (1-65535)'])
    assert.equal(peer.failedStage, 'etcd')
    assert.match(peer.cause ?? '', /not an etcd v3 client port/)
  })
})

describe('TLS faults named', () => {
  const client = () => ({caFile: tls.tls!.caFile, certFile: tls.tls!.clientCertFile, keyFile: tls.tls!.clientKeyFile})

  test('good certificates: the member answers, and the server certificate is in the evidence', {timeout: 30_000}, async () => {
    const [report] = await probe({endpoints: [tls.endpoint], tls: client()})
    assert.equal(report.ok, true, JSON.stringify(report))
    assert.match(report.evidence.join('\n'), /server certificate: .*127\.0\.0\.1.*issued by flanctl test CA/)
  })

  test('an expired server certificate', {timeout: 30_000}, async () => {
    const [report] = await probe({endpoints: [expired.endpoint], tls: {caFile: expired.tls!.caFile, certFile: expired.tls!.clientCertFile, keyFile: expired.tls!.clientKeyFile}})
    assert.equal(report.failedStage, 'tls')
    assert.match(report.cause ?? '', /^server certificate expired on \d{4}-\d\d-\d\d$/)
  })

  test('a server certificate for another name', {timeout: 30_000}, async () => {
    const [report] = await probe({endpoints: [misnamed.endpoint], tls: {caFile: misnamed.tls!.caFile, certFile: misnamed.tls!.clientCertFile, keyFile: misnamed.tls!.clientKeyFile}})
    assert.equal(report.failedStage, 'tls')
    assert.equal(report.cause, 'server certificate is for etcd.example, not 127.0.0.1')
  })

  test('a server certificate from an unknown CA', {timeout: 30_000}, async () => {
    const [report] = await probe({endpoints: [tls.endpoint], tls: {...client(), caFile: tls.tls!.otherCaFile}})
    assert.equal(report.failedStage, 'tls')
    assert.equal(report.cause, 'server certificate signed by an unknown authority')
    assert.match(report.hint ?? '', /--etcd-cafile/)
  })

  test('an expired client certificate: read from the file, named with its date', {timeout: 30_000}, async () => {
    const files = {...client(), certFile: tls.tls!.expiredClientCertFile}
    const [report] = await probe({endpoints: [tls.endpoint], tls: files})
    assert.equal(report.failedStage, 'tls')
    assert.match(report.cause ?? '', new RegExp(`^client certificate ${files.certFile} expired on \\d{4}-\\d\\d-\\d\\d$`))
  })

  test('no client certificate where etcd wants one', {timeout: 30_000}, async () => {
    const [report] = await probe({endpoints: [tls.endpoint], tls: {caFile: tls.tls!.caFile}})
    assert.equal(report.failedStage, 'tls')
    assert.match(report.cause ?? '', /etcd rejected the client certificate/)
  })
})

describe('a config elsewhere', () => {
  test('written with the v2 API, and under another prefix in v3', {timeout: 30_000}, async () => {
    const v2 = await sb.exec(ns, 'env', 'ETCDCTL_API=2', '/usr/bin/etcdctl', `--endpoints=${plain.endpoint}`, 'set', '/coreos.com/network/config', CONFIG)
    assert.equal(v2.exitCode, 0, v2.stderr)
    await plain.etcdctl(['put', '/atomic.io/network/config', CONFIG])
    await plain.etcdctl(['put', '/other/config', 'not a flannel config'])
    const found = await inNs<ConfigElsewhere>({find: true, endpoints: [DROPPED, plain.endpoint], prefix: '/coreos.com/network', timeoutMs: 3000})
    assert.deepEqual(found, {v2Key: '/coreos.com/network/config', otherPrefixes: ['/atomic.io/network']})
    const none = await inNs<ConfigElsewhere>({find: true, endpoints: [plain.endpoint], prefix: '/atomic.io/network', timeoutMs: 3000})
    assert.deepEqual(none, {otherPrefixes: []})
  })
})

describe('quorum lost', () => {
  let cluster: EtcdCluster
  let clusterNs: string
  before(async () => {
    clusterNs = await sb.addNetns('c')
    cluster = await startEtcdCluster(3, {netns: clusterNs})
  })
  after(async () => {
    await cluster?.destroy()
  })

  test('one member of three left: it answers, the cluster has no leader', {timeout: 90_000}, async () => {
    const inCluster = async () => {
      const result = await sb.exec(clusterNs, process.execPath, '--import', 'tsx', FIXTURE, JSON.stringify({endpoints: cluster.endpoints, timeoutMs: 2000}))
      assert.equal(result.exitCode, 0, result.stderr)
      return JSON.parse(result.stdout) as EndpointReport[]
    }
    assert.equal(judgeCluster(await inCluster()).state, 'healthy')
    await Promise.all([cluster.members[1].stop(), cluster.members[2].stop()])
    // the last member steps down once it has not heard from a majority (an event: poll for it)
    let reports = await inCluster()
    for (let i = 0; i < 60 && reports[0].leaderId !== undefined; i++) reports = await inCluster()
    const verdict = judgeCluster(reports)
    assert.equal(verdict.state, 'no-leader', JSON.stringify(reports))
    assert.equal(verdict.answering, 1)
    assert.equal(verdict.total, 3)
    assert.match(verdict.headline, /no leader.*1 of 3 members answer/)
    assert.deepEqual(reports.slice(1).map((r) => r.cause), ['connection refused', 'connection refused'])
  })
})
