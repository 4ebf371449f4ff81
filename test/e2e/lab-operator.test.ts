// e2e: the lab for operators, through bin/run.js: `lab up --etcd-prefix --network --subnet-len`,
// "next:" hints that carry --name, a backend switch with `config set` that running agents log and
// `lab status` shows, `lab restart HOST` taking the new config, and an agent restarted by hand
// that `lab status` follows (not "dead") and `lab down` stops.
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'
import {processArgv, spawnDetached, stopProcess} from '../../src/adapters/netns/processes.js'
import {etcdctl, formatCidr, loadState, readLabLeases} from '../../src/lab/index.js'
import {e2eLabName, readText, removeLab, requireRoot, waitFor} from './lab-fixture.js'

const root = new URL('../../', import.meta.url).pathname
const runJs = join(root, 'bin', 'run.js')
const name = e2eLabName('op')
const PREFIX = '/atomic.io/network'

async function flanctl(...args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> {
  const result = await execa(process.execPath, [runJs, ...args], {reject: false, timeout: 180_000, env: {NO_COLOR: '1'}})
  return {exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr)}
}

interface StatusView {
  hosts: Array<{name: string; pid?: number; alive: boolean; subnet?: string}>
  liveConfig: {backend: string | null; network: string | null; subnetLen: number | null; changedSinceUp: string[]}
  restartedByHand: string[]
  staleBackends: Array<{host: string; leaseBackend: string}>
  warnings: string[]
}

async function status(...extra: string[]): Promise<StatusView> {
  const run = await flanctl('lab', 'status', '--name', name, '--json', ...extra)
  assert.equal(run.exitCode, 0, run.stderr)
  return JSON.parse(run.stdout) as StatusView
}

describe('e2e: lab for operators', () => {
  const started: number[] = []
  after(async () => {
    await removeLab(name)
    for (const pid of started) await stopProcess(pid, 'subnet.env').catch(() => {})
  })

  it('lab up takes --etcd-prefix, --network and --subnet-len; every "next:" hint names the lab', async () => {
    requireRoot()
    const up = await flanctl('lab', 'up', '--hosts', '2', '--name', name, '--etcd-prefix', PREFIX, '--network', '198.18.64.0/18', '--subnet-len', '26')
    assert.equal(up.exitCode, 0, up.stderr)
    const next = up.stdout.split('\n').find((line) => line.startsWith('next:'))!
    const commands = next.replace(/^next: /, '').split(' · ')
    assert.ok(commands.length >= 3, next)
    for (const command of commands) assert.match(command, new RegExp(`--name ${name}\\b`), command)
    const state = loadState(name)
    assert.equal(state.etcdPrefix, PREFIX)
    assert.equal((await etcdctl(state, ['get', `${PREFIX}/config`, '--print-value-only'])).stdout.trim(), '{"Network":"198.18.64.0/18","SubnetLen":26,"Backend":{"Type":"vxlan"}}')
    const leases = await readLabLeases(state)
    assert.equal(leases.length, 2)
    for (const lease of leases) assert.match(formatCidr(lease.subnet), /^198\.18\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\/26$/)
    for (const h of state.hosts) assert.ok(h.argv!.join(' ').includes(`--etcd-prefix ${PREFIX}`), h.argv!.join(' '))
    const bad = await flanctl('lab', 'up', '--name', `${name}x`.slice(0, 12), '--network', '198.18.0.0/16', '--subnet-len', '12')
    assert.equal(bad.exitCode, 2)
  })

  it('a backend switch: agents log what it means, status shows the live config and stale hosts, restart takes it', async () => {
    requireRoot()
    const state = loadState(name)
    const endpoint = state.etcdEndpoints[0]
    const set = await flanctl('lab', 'exec', '--name', name, 'sw', '--', process.execPath, runJs, 'config', 'set', '--network', '198.18.64.0/18', '--subnet-len', '26',
      '--backend', 'host-gw', '--etcd-endpoints', endpoint, '--etcd-prefix', PREFIX)
    assert.equal(set.exitCode, 0, set.stderr)
    assert.match(set.stdout, /2 hosts hold leases of the old shape \(vxlan\); each changes only when its agent restarts/)
    for (const h of state.hosts) {
      await waitFor(`${h.name} logs the config change`, async () => /network config changed .*Backend\.Type vxlan -> host-gw/.test(await readText(h.logFile)), 60_000)
    }
    const switched = await status()
    assert.equal(switched.liveConfig.backend, 'host-gw')
    assert.deepEqual(switched.liveConfig.changedSinceUp, ['backend vxlan -> host-gw'])
    assert.deepEqual(switched.staleBackends.map((s) => s.host).sort(), ['h1', 'h2'])
    assert.match(switched.warnings.join('\n'), new RegExp(`h1 still holds a vxlan lease while the config says host-gw: restart its agent \\(flanctl lab restart h1 --name ${name}\\)`))
    const human = await flanctl('lab', 'status', '--name', name)
    assert.match(human.stdout, /^config: backend host-gw, network 198\.18\.64\.0\/18, \/26 \(changed since lab up: backend vxlan -> host-gw\)$/m)

    const before = state.hosts.map((h) => h.pid)
    for (const hostName of ['h1', 'h2']) {
      const restart = await flanctl('lab', 'restart', hostName, '--name', name, '--json')
      assert.equal(restart.exitCode, 0, restart.stderr)
      const view = JSON.parse(restart.stdout) as {pid: number; previousPid: number; stopped: string; subnet: string}
      assert.equal(view.stopped, 'stopped')
      assert.notEqual(view.pid, view.previousPid)
    }
    const after = await status('--ping')
    assert.deepEqual(after.staleBackends, [])
    assert.ok(after.hosts.every((h) => h.alive))
    for (const pid of before) assert.equal(processArgv(pid!), undefined, `old agent ${pid} is gone`)
    for (const lease of await readLabLeases(loadState(name))) assert.equal(lease.backendType, 'host-gw')
    const routes = (await flanctl('lab', 'exec', '--name', name, 'h1', '--', 'ip', '-4', 'route')).stdout
    assert.match(routes, /198\.18\.\d+\.\d+\/26 via 203\.0\.113\.12 dev eth0/, 'host-gw routes via the peer\'s public IP')
    assert.equal((after as unknown as {matrix: {okCount: number; total: number}}).matrix.okCount, 2)
  })

  it('an agent restarted by hand is followed by status (not dead) and stopped by lab down', async () => {
    requireRoot()
    const state = loadState(name)
    const h2 = state.hosts.find((h) => h.name === 'h2')!
    assert.equal(await stopProcess(h2.pid!, h2.subnetFile), 'stopped')
    const dead = await status()
    assert.equal(dead.hosts.find((h) => h.name === 'h2')!.alive, false, 'with no agent at all, h2 is not alive')
    // the operator starts it again by hand, with the same flags
    const pid = spawnDetached({argv: h2.argv!, logFile: join(h2.dir, 'by-hand.log')})
    started.push(pid)
    await waitFor('the hand-started agent runs', async () => processArgv(pid)?.includes('up'), 30_000)
    const followed = await status()
    const view = followed.hosts.find((h) => h.name === 'h2')!
    assert.equal(view.alive, true)
    assert.deepEqual(followed.restartedByHand, ['h2'])
    assert.ok(view.pid !== h2.pid && view.pid !== undefined)
    const down = await flanctl('lab', 'down', '--name', name, '--json')
    assert.equal(down.exitCode, 0, down.stderr)
    await waitFor('the hand-started agent is stopped by lab down', async () => processArgv(pid) === undefined, 15_000)
  })
})
