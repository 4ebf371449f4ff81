// flanctl diagnose as a command against a real etcd: its flags, its exit codes, and what it
// says when it is not root (the kernel checks skipped with the reason, the verdict incomplete).
// Read-only and --no-probe: nothing is changed and no packet is sent.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, BIN, json, runCli} from './helpers/cli.js'
import {closedPort} from './helpers/closed-port.js'
import {spawn} from 'node:child_process'

let etcd: EtcdServer

before(async () => {
  assertBuilt()
  etcd = await startEtcd()
  const set = await runCli(['config', 'set', '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}', '--etcd-endpoints', etcd.endpoint])
  assert.equal(set.code, 0, set.stderr)
})
after(async () => {
  await etcd?.stop()
})

interface Report {
  checks: Array<{id: string; status: string; evidence: string[]; blockedBy?: string}>
  incomplete: boolean
  exitCode: number
}

/** The built CLI as user nobody (setpriv): what an operator without sudo gets. */
function runAsNobody(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {PATH: process.env.PATH ?? '', NO_COLOR: '1'}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({code: code ?? 1, stdout, stderr}))
  })
}

test('diagnose without root: the kernel checks are skipped, naming root; the run is incomplete', async () => {
  const result = await runAsNobody(['diagnose', '--etcd-endpoints', etcd.endpoint, '--subnet-file', '/nonexistent/subnet.env', '--no-probe', '--json'])
  const report = JSON.parse(result.stdout) as Report
  assert.equal(report.incomplete, true)
  const status = (id: string) => report.checks.find((c) => c.id === id)
  assert.equal(status('host.privileges')?.status, 'warn')
  assert.equal(status('config.present')?.status, 'pass')
  assert.equal(status('lease.own')?.status, 'fail', 'no lease for this host in a fresh etcd')
  assert.equal(result.code, 1, 'a failed check wins over incomplete')
  for (const c of report.checks.filter((c) => c.status === 'skip' && c.blockedBy === undefined && c.id.startsWith('firewall.'))) {
    assert.match(c.evidence.join(' '), /root/, c.id)
  }
})

test('diagnose: an unreachable etcd is exit 5 with etcd.reachable failed, fast, and the rest blocked by it', async () => {
  const result = await runCli(['diagnose', '--etcd-endpoints', `http://127.0.0.1:${await closedPort()}`, '--no-probe', '--json', '--timeout', '2'], {killAfterMs: 30_000})
  assert.equal(result.code, 5, result.stderr)
  const report = json<Report>(result)
  // (this machine's own ip_forward and the absent agent may fail too: they need no etcd)
  assert.ok(report.checks.some((c) => c.id === 'etcd.reachable' && c.status === 'fail'))
  assert.equal(report.checks.find((c) => c.id === 'lease.own')?.blockedBy, 'etcd.reachable')
})

test('diagnose: --dry-run without --fix, and a bad --timeout, are usage errors (exit 2)', async () => {
  const dry = await runCli(['diagnose', '--dry-run', '--etcd-endpoints', etcd.endpoint])
  assert.equal(dry.code, 2)
  assert.match(dry.stderr, /--dry-run only goes with --fix/)
  const timeout = await runCli(['diagnose', '--timeout', '0', '--etcd-endpoints', etcd.endpoint])
  assert.equal(timeout.code, 2)
})

test('diagnose reads the agent\'s FLANNELD_* variables: a wrong prefix from FLANNELD_ETCD_PREFIX is found', async () => {
  const result = await runCli(['diagnose', '--no-probe', '--json'], {env: {FLANNELD_ETCD_ENDPOINTS: etcd.endpoint, FLANNELD_ETCD_PREFIX: '/atomic.io/network'}})
  const report = json<Report>(result)
  const present = report.checks.find((c) => c.id === 'config.present')!
  assert.equal(present.status, 'fail')
  assert.match(present.evidence.join('\n'), /no key \/atomic\.io\/network\/config/)
  assert.match(present.evidence.join('\n'), /a flannel config exists at \/coreos\.com\/network\/config/)
})

test('diagnose names TLS faults per endpoint: expired, wrong name, unknown CA (with dates)', {timeout: 120_000}, async () => {
  const [good, expired, misnamed] = await Promise.all([startEtcd({tls: true, name: 'good'}), startEtcd({tls: true, name: 'expired', serverCertFault: 'expired'}), startEtcd({tls: true, name: 'misnamed', serverCertFault: 'wrong-name'})])
  try {
    const run = async (server: EtcdServer, caFile: string) => {
      const tls = server.tls!
      const result = await runCli(['diagnose', '--etcd-endpoints', server.endpoint, '--etcd-cafile', caFile, '--etcd-certfile', tls.clientCertFile, '--etcd-keyfile', tls.clientKeyFile, '--no-probe', '--json', '--timeout', '5'], {killAfterMs: 60_000})
      const report = json<Report>(result)
      return {code: result.code, endpoints: report.checks.find((c) => c.id === 'etcd.endpoints')!}
    }
    const cases: Array<[EtcdServer, string, RegExp]> = [
      [expired, expired.tls!.caFile, /tls: server certificate expired on \d{4}-\d\d-\d\d/],
      [misnamed, misnamed.tls!.caFile, /tls: server certificate is for etcd\.example, not 127\.0\.0\.1/],
      [good, good.tls!.otherCaFile, /tls: server certificate signed by an unknown authority/],
    ]
    for (const [server, ca, cause] of cases) {
      const {code, endpoints} = await run(server, ca)
      assert.equal(endpoints.status, 'fail', server.name)
      assert.match(endpoints.evidence.join('\n'), cause, server.name)
      assert.equal(code, 5, `${server.name}: etcd refused us`)
    }
  } finally {
    await Promise.all([good, expired, misnamed].map((e) => e.destroy()))
  }
})
