// e2e, udp: 3 flanctl hosts with the seeds' udp config (Port 7890), real relays, real pings and
// an iperf3 stream; a host set up by hand as flannel's udp backend does it (a TUN and a relay
// written for the test, test/e2e/fixtures/flannel-udp-relay.py) carries traffic with them. One
// lab for the file; the tests run in order and the destructive ones come last.
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {runCommand, runInNetns} from '../../src/adapters/netns/run-command.js'
import {isOurProcess, waitForExit} from '../../src/adapters/netns/processes.js'
import {etcdctl, etcdGetPrefix, labUp, leaseValue, numberToIp4, parseCidr, pingMatrix, readLabLeases, readRoutes, subnetKeyOf, type LabHost, type LabState, type LabUpResult} from '../../src/lab/index.js'
import {addLabHost, startLabAgent, stopLabAgent} from '../helpers/lab-ops.js'
import {diagnoseArgv} from '../../src/lab/lab-diagnose.js'
import type {DiagnoseResult} from '../../src/engine/diagnose/run-diagnose.js'
import {agentLogTail, e2eLabName, fileIdentity, host, leaseOf, readText, removeLab, requireRoot, state, waitFor} from './lab-fixture.js'

const name = e2eLabName('eu')
const NETWORK = '198.18.0.0/16'
const PORT = 7890
const HEALTHZ_PORT = 8471
const RELAY_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'flannel-udp-relay.py')
const FLANCTL = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'run.js')

async function diagnose(on: string, extra: string[] = []): Promise<{exitCode: number; result: DiagnoseResult}> {
  const [command, ...args] = diagnoseArgv(name, on, ['--json', ...extra])
  const out = await runCommand(command!, args, {reject: false, timeoutMs: 60_000})
  return {exitCode: out.exitCode, result: JSON.parse(out.stdout) as DiagnoseResult}
}

interface Flannel0 {
  mtu: number
  up: boolean
  tun: boolean
  pi: boolean
  addresses: string[]
}

async function flannel0(netns: string): Promise<Flannel0 | undefined> {
  const {stdout, exitCode} = await runCommand('ip', ['-n', netns, '-j', '-d', 'addr', 'show', 'dev', 'flannel0'], {reject: false})
  if (exitCode !== 0) return undefined
  const [row] = JSON.parse(stdout) as Array<{mtu: number; flags: string[]; linkinfo?: {info_kind?: string; info_data?: {type?: string; pi?: boolean}}; addr_info: Array<{family: string; local: string; prefixlen: number}>}>
  if (row === undefined) return undefined
  return {
    mtu: row.mtu,
    up: row.flags.includes('UP'),
    tun: row.linkinfo?.info_kind === 'tun' && row.linkinfo.info_data?.type === 'tun',
    pi: row.linkinfo?.info_data?.pi ?? true,
    addresses: row.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  }
}

/** The UDP sockets bound in the namespace, "ip:port". */
async function udpSockets(netns: string): Promise<string[]> {
  const {stdout} = await runInNetns(netns, 'ss', ['-Hunl'])
  return stdout.split('\n').map((line) => line.trim().split(/\s+/)[3]).filter((s): s is string => s !== undefined)
}

async function httpStatus(netns: string, path: string): Promise<string> {
  const {stdout} = await runInNetns(netns, 'curl', ['-s', '-o', '/dev/null', '-m', '5', '-w', '%{http_code}', `http://127.0.0.1:${HEALTHZ_PORT}${path}`], {reject: false, timeoutMs: 10_000})
  return stdout.trim()
}

async function logOf(h: LabHost): Promise<string> {
  return readFile(h.logFile, 'utf8')
}

function containers(labState: LabState, names: readonly string[]) {
  return names.map((n) => {
    const h = host(labState, n)
    return {host: n, netns: h.container.netns, ip: h.container.ip!}
  })
}

async function allPairsPing(labState: LabState, names: readonly string[]): Promise<void> {
  const matrix = await pingMatrix(containers(labState, names), {attempts: 5})
  assert.equal(matrix.okCount, matrix.total, JSON.stringify(matrix.pairs.filter((p) => !p.ok)))
}

/** One 2 s iperf3 TCP stream between two containers; the bytes received. */
async function iperfBytes(client: {netns: string}, server: {netns: string; ip: string}, started: ChildProcess[]): Promise<number> {
  const child = spawn('ip', ['netns', 'exec', server.netns, 'iperf3', '-s', '-1', '-p', '5291'], {stdio: 'ignore'})
  started.push(child)
  await waitFor('iperf3 server listening', async () => (await runInNetns(server.netns, 'ss', ['-Htln'])).stdout.includes(':5291'), 10_000)
  const run = await runInNetns(client.netns, 'iperf3', ['-c', server.ip, '-p', '5291', '-t', '2', '-J'], {timeoutMs: 60_000})
  await waitForExit(child.pid!, 10_000)
  return (JSON.parse(run.stdout) as {end: {sum_received: {bytes: number}}}).end.sum_received.bytes
}

describe('e2e udp: 3 flanctl hosts, the seeds\' udp config with Port 7890', () => {
  let up: LabUpResult
  const started: ChildProcess[] = []

  before(async () => {
    requireRoot()
    up = await labUp({name, hosts: 3, backend: 'udp', backendOptions: {Port: PORT}, extraAgentArgs: ['--healthz-port', String(HEALTHZ_PORT)]})
  })
  after(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.pid !== undefined) {
        child.kill('SIGTERM')
        if (!(await waitForExit(child.pid, 5_000))) child.kill('SIGKILL')
      }
    }
    await removeLab(name)
  })

  it('every container reaches every other, in both directions', async () => {
    const s = state(name)
    assert.ok(up.converged, up.missingRoutes.join('; '))
    assert.equal(up.matrix!.total, 6)
    assert.equal(up.matrix!.okCount, 6, `${JSON.stringify(up.matrix!.pairs.filter((p) => !p.ok))}; log of h1: ${await agentLogTail(host(s, 'h1'), 8)}`)
  })

  it('etcd holds the config and udp leases in flannel format: no BackendType, no BackendData (read with etcdctl)', async () => {
    const s = state(name)
    const [config] = await etcdGetPrefix(s, '/coreos.com/network/config')
    assert.deepEqual(JSON.parse(config!.value), {Network: NETWORK, SubnetLen: 24, Backend: {Type: 'udp', Port: PORT}})
    const kvs = await etcdGetPrefix(s, '/coreos.com/network/subnets/')
    assert.equal(kvs.length, 3)
    for (const h of s.hosts) {
      const kv = kvs.find((k) => k.key === `/coreos.com/network/subnets/${subnetKeyOf(parseCidr(h.subnet!)!)}`)
      assert.ok(kv, `lease of ${h.name}`)
      assert.equal(kv.value, `{"PublicIP":"${h.publicIp}","PublicIPv6":null}`)
      assert.equal(kv.value, leaseValue(h.publicIp, 'udp'))
      assert.ok(kv.leaseHex, 'attached to an etcd lease')
    }
  })

  it('flannel0 is a TUN without packet info, <subnet>.0/32, MTU 1472, up; the network routes to it; the relay listens on Port 7890', async () => {
    for (const h of state(name).hosts) {
      const device = await flannel0(h.netns)
      assert.ok(device, `${h.name} has flannel0`)
      assert.deepEqual(device, {mtu: 1472, up: true, tun: true, pi: false, addresses: [`${numberToIp4(parseCidr(h.subnet!)!.ip)}/32`]})
      const routes = (await readRoutes(h.netns)).filter((r) => r.dev === 'flannel0')
      assert.deepEqual(routes.map((r) => [r.dst, r.gateway]), [[NETWORK, undefined]])
      assert.ok((await udpSockets(h.netns)).includes(`${h.publicIp}:${PORT}`), `${h.name} binds ${h.publicIp}:${PORT}`)
    }
  })

  it('diagnose on a udp host: TUN, Port 7890 in INPUT, flannel0 with its relay, the route and the overlay pass; a wrong flannel0 MTU is found; a removed route is put back by --fix', async () => {
    const healthy = await diagnose('h1')
    assert.equal(healthy.exitCode, 0, JSON.stringify(healthy.result.checks.filter((c) => c.status !== 'pass' && c.status !== 'info')))
    const h1 = host(state(name), 'h1')
    const evidence = (r: DiagnoseResult, id: string): string => {
      const c = r.checks.find((x) => x.id === id)!
      return `${c.status}: ${c.evidence.join(' | ')}`
    }
    assert.match(evidence(healthy.result, 'host.kernel-features'), /^pass: tun: /)
    assert.match(evidence(healthy.result, 'firewall.encap-port'), /^pass: INPUT accepts UDP 7890 \(udp relay\) from 2 peers$/)
    assert.match(evidence(healthy.result, 'dataplane.device'), new RegExp(`^pass: flannel0: type tun, mtu 1472, up true, address ${numberToIp4(parseCidr(h1.subnet!)!.ip)}/32, relay ${h1.publicIp}:${PORT}$`))
    assert.match(evidence(healthy.result, 'dataplane.peers'), /^pass: 2 peers, 2 entries in place \| the relay's peer table lives in the agent's memory/)
    assert.match(evidence(healthy.result, 'probes.overlay'), /^pass: /)
    // the agent held (SIGSTOP) so that its 5 s pass does not put the MTU back under diagnose
    process.kill(h1.pid!, 'SIGSTOP')
    try {
      await runInNetns(h1.netns, 'ip', ['link', 'set', 'flannel0', 'mtu', '1400'])
      const broken = await diagnose('h1')
      assert.equal(broken.exitCode, 1)
      const device = broken.result.checks.find((c) => c.id === 'dataplane.device')!
      assert.equal(device.status, 'fail')
      assert.equal(device.evidence[0], 'flannel0: mtu is 1400, should be 1472')
      assert.equal(device.fix, 'ip link set flannel0 mtu 1472')
      await runInNetns(h1.netns, 'ip', ['link', 'set', 'flannel0', 'mtu', '1472'])
      // the route removed: dataplane.peers names it, --fix puts it back
      await runInNetns(h1.netns, 'ip', ['route', 'del', NETWORK, 'dev', 'flannel0'])
      const fixed = await diagnose('h1', ['--fix'])
      assert.deepEqual(fixed.result.fixes?.map((f) => [f.check, f.commands, f.applied]), [['dataplane.peers', [`ip route replace ${NETWORK} dev flannel0 proto 151`], true]])
      assert.deepEqual((await readRoutes(h1.netns)).filter((r) => r.dev === 'flannel0').map((r) => r.dst), [NETWORK])
    } finally {
      await runInNetns(h1.netns, 'ip', ['link', 'set', 'flannel0', 'mtu', '1472'])
      process.kill(h1.pid!, 'SIGCONT')
    }
  })

  it('subnet.env has FLANNEL_MTU=1472 (1500 - 28), and docker-opts gives --mtu=1472', async () => {
    for (const h of state(name).hosts) {
      const subnet = parseCidr(h.subnet!)!
      assert.equal(await readText(h.subnetFile), `FLANNEL_NETWORK=${NETWORK}\nFLANNEL_SUBNET=${numberToIp4(subnet.ip + 1)}/24\nFLANNEL_MTU=1472\nFLANNEL_IPMASQ=true\n`)
    }
    const h1 = host(state(name), 'h1')
    const opts = await runCommand(process.execPath, [FLANCTL, 'docker-opts', '-f', h1.subnetFile, '--dry-run'])
    assert.match(opts.stdout, /^DOCKER_OPT_MTU="--mtu=1472"$/m)
    assert.match(opts.stdout, /^DOCKER_OPTS=" --bip=\S+ --ip-masq=false --mtu=1472"$/m)
  })

  it('subnets ls shows the udp leases', async () => {
    const s = state(name)
    // etcd is reachable from the hosts' namespaces, not from the root one
    const ls = await runInNetns(host(s, 'h1').netns, process.execPath, [FLANCTL, 'subnets', 'ls', '--etcd-endpoints', s.etcdEndpoints.join(','), '--json'])
    const view = JSON.parse(ls.stdout) as {leases: Array<{subnet: string; publicIp: string; backendType: string | null}>}
    assert.deepEqual(view.leases.map((l) => [l.subnet, l.publicIp, l.backendType]).sort(), s.hosts.map((h) => [h.subnet, h.publicIp, null]).sort())
  })

  it('a host set up by hand as flannel\'s udp backend does it exchanges traffic with the flanctl hosts, both ways', async () => {
    // h4: its lease put with etcdctl (flannel's JSON), subnet.env and rules by hand (the lab's
    // manual host), then the test's own TUN and relay
    const manual = await addLabHost(name, {agent: 'manual'})
    const s = state(name)
    const lease = await leaseOf(s, manual.name)
    assert.equal(lease.value, leaseValue(manual.publicIp, 'udp'))
    const peers = s.hosts.filter((h) => h.name !== manual.name).map((h) => `${h.subnet}=${h.publicIp}`)
    const relay = spawn('ip', ['netns', 'exec', host(s, manual.name).netns, 'python3', RELAY_SCRIPT, manual.publicIp, String(PORT), manual.subnet!, NETWORK, '1472', ...peers], {stdio: ['ignore', 'pipe', 'pipe']})
    started.push(relay)
    let output = ''
    relay.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    relay.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor('the hand-made relay is ready', async () => (relay.exitCode !== null ? assert.fail(`relay exited: ${output}`) : output.includes('ready')), 15_000)
    for (const h of ['h1', 'h2', 'h3']) {
      await waitFor(`${h} adds the hand-made ${manual.name} as a peer`, async () => (await logOf(host(s, h))).includes(`peer added subnet=${manual.subnet}`), 30_000)
    }
    await allPairsPing(s, ['h1', 'h2', 'h3', manual.name])
    // a TCP stream each way: bursts that flanctl sends with UDP GSO must reach flannel's relay as
    // one datagram per packet
    const [c1, c4] = containers(s, ['h1', manual.name])
    for (const [client, server] of [[c1!, c4!], [c4!, c1!]]) {
      const bytes = await iperfBytes(client, server, started)
      assert.ok(bytes > 1_000_000, `iperf3 ${client.host} -> ${server.host} moved ${bytes} bytes`)
    }
    assert.doesNotMatch(output, /bad datagram/, 'every datagram flannel\'s relay got was one whole IP packet')
  })

  it('under an iperf3 stream through the relays, the agents answer /healthz and apply a new lease', async () => {
    const s = state(name)
    const [c1, c2] = containers(s, ['h1', 'h2'])
    const server = spawn('ip', ['netns', 'exec', c2!.netns, 'iperf3', '-s', '-1', '-p', '5290'], {stdio: 'ignore'})
    started.push(server)
    await waitFor('iperf3 server listening', async () => (await runInNetns(c2!.netns, 'ss', ['-Htln'])).stdout.includes(':5290'), 10_000)
    const client = runInNetns(c1!.netns, 'iperf3', ['-c', c2!.ip, '-p', '5290', '-t', '8', '-J'], {timeoutMs: 60_000})
    let streaming = true
    void client.finally(() => (streaming = false)).catch(() => {})
    const h1 = host(s, 'h1')
    const h2 = host(s, 'h2')
    // a lease arrives while the stream runs (what a new host does)
    await waitFor('iperf3 is moving data', async () => {
      const text = await runInNetns(c1!.netns, 'ss', ['-Hti', 'dst', c2!.ip])
      return /bytes_acked:\d{6,}/.test(text.stdout)
    }, 15_000, 100)
    for (const h of [h1, h2]) assert.equal(await httpStatus(h.netns, '/healthz'), '200', `${h.name} /healthz under load`)
    const key = `/coreos.com/network/subnets/198.18.250.0-24`
    await etcdctl(s, ['put', key, leaseValue('203.0.113.250', 'udp')])
    for (const h of [h1, h2]) {
      await waitFor(`${h.name} applies the new lease under load`, async () => /pass applied \d+ changes? loop=routes replace=1 delete=0 reasons=\S*put/.test((await logOf(h)).split('peer added subnet=198.18.250.0/24')[1] ?? ''), 30_000, 100)
      assert.equal(await httpStatus(h.netns, '/readyz'), '200', `${h.name} /readyz under load`)
    }
    assert.ok(streaming, 'the lease was applied and /healthz answered while the stream still ran')
    const result = JSON.parse((await client).stdout) as {end: {sum_received: {bytes: number}}}
    assert.ok(result.end.sum_received.bytes > 10_000_000, `iperf3 moved ${result.end.sum_received.bytes} bytes`)
    await etcdctl(s, ['del', key])
  })

  it('a relay that fails (flannel0 deleted) is logged, /readyz answers 503 until the agent has restarted it, and traffic comes back', async () => {
    const s = state(name)
    const h1 = host(s, 'h1')
    await runCommand('ip', ['-n', h1.netns, 'link', 'del', 'flannel0'])
    // a TAP device squats the name (the restart is 1 s away): TUNSETIFF fails until it goes
    await runCommand('ip', ['-n', h1.netns, 'tuntap', 'add', 'flannel0', 'mode', 'tap'])
    try {
      await waitFor('h1 logs the relay failure', async () => (await logOf(h1)).includes('udp relay failed'), 15_000)
      await waitFor('h1 logs a failed restart', async () => (await logOf(h1)).includes('udp relay restart failed'), 15_000)
      assert.equal(await httpStatus(h1.netns, '/readyz'), '503', 'not ready while the relay is down')
      assert.equal(await httpStatus(h1.netns, '/healthz'), '200', 'alive all the same')
    } finally {
      // the squatter goes, also when an assertion failed, so the next tests find h1 whole
      await runCommand('ip', ['-n', h1.netns, 'tuntap', 'del', 'flannel0', 'mode', 'tap'])
    }
    await waitFor('h1 restarts its relay', async () => (await logOf(h1)).includes('udp relay restarted'), 30_000)
    await waitFor('flannel0 has its attributes again', async () => (await flannel0(h1.netns))?.addresses.includes(`${numberToIp4(parseCidr(h1.subnet!)!.ip)}/32`), 15_000)
    await waitFor('h1 is ready again', async () => (await httpStatus(h1.netns, '/readyz')) === '200', 15_000)
    await allPairsPing(s, ['h1', 'h2', 'h3'])
  })

  it('an agent restarted keeps its subnet; flannel0 goes away while it is stopped (diagnose finds it missing, and makes none) and comes back', async () => {
    const s = state(name)
    const h2 = host(s, 'h2')
    const before = await leaseOf(s, 'h2')
    const oldPid = h2.pid!
    const identity = await fileIdentity(h2.subnetFile)
    assert.equal(await stopLabAgent(name, 'h2', 'SIGTERM'), 'stopped', 'exits on SIGTERM')
    assert.ok(await waitForExit(oldPid, 1_000))
    assert.equal(await flannel0(h2.netns), undefined, 'the TUN device goes away with the agent')
    assert.ok(!(await udpSockets(h2.netns)).some((a) => a.endsWith(`:${PORT}`)), 'the port is free')
    assert.equal((await leaseOf(s, 'h2')).key, before.key, 'the lease stays')
    // diagnose reads, never starts a relay: flannel0 missing is its finding, and stays missing
    const stopped = await diagnose('h2', ['--no-probe'])
    assert.deepEqual(stopped.result.checks.find((c) => c.id === 'dataplane.device')!.evidence, ['flannel0 does not exist'])
    assert.equal(await flannel0(h2.netns), undefined, 'diagnose made no flannel0')
    assert.ok(!(await udpSockets(h2.netns)).some((a) => a.endsWith(`:${PORT}`)), 'diagnose bound nothing')
    startLabAgent(name, 'h2')
    await waitFor('h2 rewrites subnet.env after the restart', async () => (await fileIdentity(h2.subnetFile)) !== identity, 30_000)
    assert.equal((await leaseOf(state(name), 'h2')).key, before.key, 'same subnet')
    assert.ok(isOurProcess(host(state(name), 'h2').pid!, h2.subnetFile))
    await allPairsPing(state(name), ['h1', 'h2', 'h3'])
  })

  it('a host joining pings all others both ways; one leaving (lease deleted) is dropped by the others', async () => {
    const joined = await addLabHost(name, {extraAgentArgs: ['--healthz-port', String(HEALTHZ_PORT)]})
    const s = state(name)
    for (const h of ['h1', 'h2', 'h3']) {
      await waitFor(`${h} adds ${joined.name}`, async () => (await logOf(host(s, h))).includes(`peer added subnet=${joined.subnet}`), 30_000)
    }
    await allPairsPing(s, ['h1', 'h2', 'h3', joined.name])
    const leaving = host(s, joined.name)
    const lease = await leaseOf(s, joined.name)
    await etcdctl(s, ['del', lease.key])
    assert.ok(await waitForExit(leaving.pid!, 15_000), 'the agent whose lease was deleted stops')
    for (const h of ['h1', 'h2', 'h3']) {
      await waitFor(`${h} drops ${joined.name}`, async () => /pass applied \d+ changes? loop=routes replace=0 delete=1/.test((await logOf(host(s, h))).split(`peer removed subnet=${joined.subnet}`)[1] ?? ''), 30_000)
    }
    assert.ok(!(await readLabLeases(s)).some((l) => l.key === lease.key))
    await allPairsPing(s, ['h1', 'h2', 'h3'])
  })
})
