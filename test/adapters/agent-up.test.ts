// `flanctl up` for real (the built bin/run.js) in a network namespace made here: a host "fzagNh"
// whose eth0 (203.0.113.1/24, default route) is a veth to "fzagNp", which holds nothing but an etcd
// on 203.0.113.2:2379. Checks subnet.env, the vxlan device, a peer's entries, the rules, READY=1 on
// $NOTIFY_SOCKET, /readyz, the log lines, repair of a deleted route, SIGTERM (exit 0, state kept),
// a restart keeping its subnet, and the stop when our own lease is deleted.
// Needs root, iproute2, iptables, the vxlan module and a build (`npm run build`); fails otherwise.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, execFileSync, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {AGENT_BUNDLE_FILE, BUNDLE_ID_LINE, cacheFileOf} from '../../src/cli/agent-bundle.js'

const ROOT = join(import.meta.dirname, '..', '..')
const BIN = join(ROOT, 'bin', 'run.js')
const HOST = `fzag${process.pid}h`
const PEER = `fzag${process.pid}p`
const PREFIX = '/coreos.com/network'
const PEER_KEY = `${PREFIX}/subnets/198.18.99.0-24`
const PEER_VALUE = '{"PublicIP":"203.0.113.2","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:00:00:00:00:99"}}'

let etcd: EtcdServer
let dir: string
const agents: ChildProcess[] = []

function ip(...args: string[]): string {
  return execFileSync('ip', args, {encoding: 'utf8'})
}
function inHost(command: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', HOST, command, ...args], {encoding: 'utf8'})
}

/** Polls until check returns a value (not a timing assertion: a generous limit for a slow CI). */
async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, limitMs = 20_000): Promise<T> {
  const end = Date.now() + limitMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

interface Agent {
  child: ChildProcess
  lines: string[]
  exit: Promise<number | null>
}

function startAgent(extra: string[] = []): Agent {
  const child = spawn(
    'ip',
    ['netns', 'exec', HOST, process.execPath, BIN, 'up', '--etcd-endpoints', 'http://203.0.113.2:2379', '--subnet-file', join(dir, 'run', 'subnet.env'), '--ip-masq', '--healthz-ip', '127.0.0.1', '--healthz-port', '18080', '--log-format', 'json', ...extra],
    {env: {...process.env, NOTIFY_SOCKET: join(dir, 'notify.sock'), FLANNELD_IFACE: ''}, stdio: ['ignore', 'ignore', 'pipe']},
  )
  agents.push(child)
  const lines: string[] = []
  let buffer = ''
  child.stderr!.on('data', (chunk) => {
    buffer += chunk
    const parts = buffer.split('\n')
    buffer = parts.pop()!
    lines.push(...parts)
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {child, lines, exit}
}

function records(agent: Agent): Array<Record<string, unknown>> {
  return agent.lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>
    } catch {
      throw new Error(`log line is not JSON: ${line}`)
    }
  })
}

/** A unix datagram socket recording what arrives (as systemd's notify socket). */
function notifyListener(path: string): {messages: string[]; child: ChildProcess} {
  const child = spawn('python3', ['-u', '-c', `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
`, path], {stdio: ['ignore', 'pipe', 'inherit']})
  const messages: string[] = []
  child.stdout!.on('data', (chunk: Buffer) => messages.push(...chunk.toString().split('\n').filter((l) => l !== '')))
  return {messages, child}
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flanctl-up-'))
  assert.ok(existsSync(join(ROOT, 'dist', 'commands', 'up.js')), 'run `npm run build` first: dist/commands/up.js is missing')
  ip('netns', 'add', HOST)
  ip('netns', 'add', PEER)
  ip('-n', HOST, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', PEER)
  for (const [ns, address] of [[HOST, '203.0.113.1/24'], [PEER, '203.0.113.2/24']]) {
    ip('-n', ns, 'addr', 'add', address, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    ip('-n', ns, 'link', 'set', 'lo', 'up')
  }
  ip('-n', HOST, 'route', 'add', 'default', 'via', '203.0.113.2', 'dev', 'eth0')
  etcd = await startEtcd({netns: PEER, host: '203.0.113.2'})
  await etcd.etcdctl(['put', `${PREFIX}/config`, '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'])
  const grant = await etcd.etcdctl(['lease', 'grant', '3600'])
  const leaseId = /lease ([0-9a-f]+) granted/.exec(grant)![1]
  await etcd.etcdctl(['put', `--lease=${leaseId}`, PEER_KEY, PEER_VALUE])
})

after(async () => {
  for (const child of agents) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL')
  await etcd?.destroy()
  for (const ns of [HOST, PEER]) {
    try {
      ip('netns', 'del', ns)
    } catch {
      // already gone
    }
  }
  rmSync(dir, {recursive: true, force: true})
})

test('flanctl up in a namespace: subnet.env, vxlan device, peer entries, rules, READY, repair, SIGTERM, restart, own lease deleted', async () => {
  const notify = notifyListener(join(dir, 'notify.sock'))
  agents.push(notify.child)
  await eventually('the notify socket', () => notify.messages.includes('listening'))

  const agent = startAgent()
  await eventually('READY=1 on $NOTIFY_SOCKET', () => notify.messages.find((m) => m.startsWith('READY=1'))).catch((error: Error) => {
    throw new Error(`${error.message}; the agent logged:\n${agent.lines.join('\n')}`)
  })
  const subnetEnv = readFileSync(join(dir, 'run', 'subnet.env'), 'utf8')
  const subnet = /^FLANNEL_SUBNET=198\.18\.(\d+)\.1\/24$/m.exec(subnetEnv)
  assert.ok(subnet, subnetEnv)
  const third = subnet[1]
  assert.equal(subnetEnv, `FLANNEL_NETWORK=198.18.0.0/16\nFLANNEL_SUBNET=198.18.${third}.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`)
  assert.equal(statSync(join(dir, 'run', 'subnet.env')).mode & 0o777, 0o644)

  // the lease in flannel's format, with our VtepMAC
  const own = await etcd.etcdctl(['get', `${PREFIX}/subnets/198.18.${third}.0-24`, '--print-value-only'])
  const device = JSON.parse(ip('-n', HOST, '-d', '-j', 'addr', 'show', 'dev', 'flannel.1'))[0]
  assert.equal(own.trim(), `{"PublicIP":"203.0.113.1","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"${device.address}"}}`)
  assert.equal(device.mtu, 1450)
  assert.equal(device.linkinfo.info_kind, 'vxlan')
  assert.equal(device.linkinfo.info_data.id, 1)
  assert.equal(device.linkinfo.info_data.local, '203.0.113.1')
  assert.equal(device.linkinfo.info_data.port, 8472)
  assert.equal(device.linkinfo.info_data.learning, false)
  assert.deepEqual(device.addr_info.filter((a: {family: string}) => a.family === 'inet').map((a: {local: string; prefixlen: number}) => `${a.local}/${a.prefixlen}`), [`198.18.${third}.0/32`])

  // the peer's entries
  await eventually('the peer route', () => ip('-n', HOST, 'route', 'show', '198.18.99.0/24').includes('via 198.18.99.0 dev flannel.1 proto 151 onlink'))
  assert.match(ip('-n', HOST, 'neigh', 'show', 'dev', 'flannel.1'), /198\.18\.99\.0 lladdr 0a:00:00:00:00:99 PERMANENT/)
  assert.match(execFileSync('bridge', ['-n', HOST, 'fdb', 'show', 'dev', 'flannel.1'], {encoding: 'utf8'}), /0a:00:00:00:00:99 dst 203\.0\.113\.2 self permanent/)

  // rules, health
  assert.match(inHost('iptables-save', '-t', 'nat'), /-A FLANNEL-POSTRTG -s 198\.18\.0\.0\/16 ! -d 224\.0\.0\.0\/4 -m comment --comment "flanneld masq" -j MASQUERADE/)
  assert.match(inHost('iptables-save', '-t', 'filter'), /-A FLANNEL-FWD -s 198\.18\.0\.0\/16 -m comment --comment "flanneld forward" -j ACCEPT/)
  const probe = (path: string) => inHost('python3', '-c', `import urllib.request,urllib.error\ntry: print(urllib.request.urlopen("http://127.0.0.1:18080${path}").status)\nexcept urllib.error.HTTPError as e: print(e.code)`).trim()
  assert.equal(probe('/healthz'), '200')
  assert.equal(probe('/readyz'), '200')

  // a forward rule deleted by hand is put back at the next rules check, and the log says what was fixed
  inHost('iptables', '-t', 'filter', '-F', 'FLANNEL-FWD')
  const fixed = await eventually('the rules pass that fixed FLANNEL-FWD', () =>
    records(agent).find((r) => r.msg === 'pass applied 1 change' && r.loop === 'rules' && /FLANNEL-FWD/.test(String(r.fixed))))
  assert.match(String(fixed.fixed), /filter: chain FLANNEL-FWD differs/)
  assert.match(inHost('iptables-save', '-t', 'filter'), /-A FLANNEL-FWD -s 198\.18\.0\.0\/16 -m comment --comment "flanneld forward" -j ACCEPT/)

  // a route deleted by hand comes back (resync), a lease deleted removes its entries
  ip('-n', HOST, 'route', 'del', '198.18.99.0/24')
  // by the full resync (every 30 s): the 5 s checks look at the device only
  await eventually('the route to come back', () => ip('-n', HOST, 'route', 'show', '198.18.99.0/24').includes('flannel.1'), 60_000)

  // the device is desired state too: deleted, it is made again (same VtepMAC, the peer's entries
  // back); set down, it is set up again
  const vtepMac = device.address
  ip('-n', HOST, 'link', 'del', 'flannel.1')
  await eventually('flannel.1 made again, with the peer route', () => ip('-n', HOST, 'route', 'show', '198.18.99.0/24').includes('via 198.18.99.0 dev flannel.1 proto 151 onlink'), 60_000)
  const remade = JSON.parse(ip('-n', HOST, '-d', '-j', 'addr', 'show', 'dev', 'flannel.1'))[0]
  assert.equal(remade.address, vtepMac, 'the VtepMAC of the lease')
  assert.ok(remade.flags.includes('UP'))
  assert.match(execFileSync('bridge', ['-n', HOST, 'fdb', 'show', 'dev', 'flannel.1'], {encoding: 'utf8'}), /0a:00:00:00:00:99 dst 203\.0\.113\.2 self permanent/)
  await eventually('the log line of the repair', () => records(agent).some((r) => r.msg === 'device repaired' && /flannel\.1 was missing: created again/.test(String(r.detail))))
  ip('-n', HOST, 'link', 'set', 'flannel.1', 'down')
  await eventually('flannel.1 up again', () => JSON.parse(ip('-n', HOST, '-j', 'link', 'show', 'flannel.1'))[0].flags.includes('UP') && ip('-n', HOST, 'route', 'show', '198.18.99.0/24').includes('flannel.1'), 60_000)
  await eventually('the log line of the repair', () => records(agent).some((r) => r.msg === 'device repaired' && /flannel\.1 was down: set up/.test(String(r.detail))))

  await etcd.etcdctl(['del', PEER_KEY])
  await eventually('the route to go', () => ip('-n', HOST, 'route', 'show', '198.18.99.0/24').trim() === '')
  await eventually('the fdb entry to go', () => !execFileSync('bridge', ['-n', HOST, 'fdb', 'show', 'dev', 'flannel.1'], {encoding: 'utf8'}).includes('0a:00:00:00:00:99'))

  // SIGTERM: exit 0, lease and device stay
  agent.child.kill('SIGTERM')
  assert.equal(await agent.exit, 0)
  assert.match(await etcd.etcdctl(['get', `${PREFIX}/subnets/198.18.${third}.0-24`, '--print-value-only']), /203\.0\.113\.1/)
  assert.match(ip('-n', HOST, 'link', 'show', 'flannel.1'), /flannel\.1/)
  const messages = records(agent).map((r) => r.msg)
  for (const expected of ['network config', 'external interface', 'lease acquired', 'backend ready', 'leases listed', 'pass applied 3 changes', 'subnet file written', 'ready', 'peer removed', 'signal received', 'stopping']) {
    assert.ok(messages.includes(expected), `log has "${expected}": ${agent.lines.join('\n')}`)
  }
  assert.equal(records(agent).find((r) => r.msg === 'external interface')?.iface, 'eth0', 'the default route\'s interface')

  // restart: same subnet, same VtepMAC (the device is kept)
  const again = startAgent()
  await eventually('the second READY', () => notify.messages.filter((m) => m.startsWith('READY=1')).length === 2)
  assert.equal(records(again).find((r) => r.msg === 'lease acquired')?.how, 'reuse')
  assert.match(readFileSync(join(dir, 'run', 'subnet.env'), 'utf8'), new RegExp(`FLANNEL_SUBNET=198\\.18\\.${third}\\.1/24`))
  assert.equal(JSON.parse(ip('-n', HOST, '-j', 'link', 'show', 'dev', 'flannel.1'))[0].address, device.address)
  // the agent's bundle keeps its V8 code cache beside it once a start is done (agent-bundle.ts)
  const bundle = join(ROOT, 'dist', 'chunks', AGENT_BUNDLE_FILE)
  const cacheFile = cacheFileOf(bundle, BUNDLE_ID_LINE.exec(readFileSync(bundle, 'utf8'))![1]!)
  await eventually('the code cache beside the bundle', () => existsSync(cacheFile) && statSync(cacheFile).size > 100_000)

  // our own lease deleted: the agent stops with an error, non-zero
  await etcd.etcdctl(['del', `${PREFIX}/subnets/198.18.${third}.0-24`])
  const code = await again.exit
  assert.equal(code, 7)
  const last = records(again).filter((r) => r.level === 'error')
  assert.ok(last.some((r) => r.msg === 'own lease deleted'), again.lines.join('\n'))
  assert.ok(last.some((r) => r.msg === 'stopped' && r.code === 'E_NOT_FOUND'), again.lines.join('\n'))
  notify.child.kill('SIGKILL')
})
