// e2e: the `flanctl lab` commands through bin/run.js (what the README's quick start runs), and
// `lab down` removing exactly what the lab created, also after `lab up` was killed half-way
// and when the state file is gone.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {execa} from 'execa'
import {listNetns} from '../../src/adapters/netns/namespaces.js'
import {processArgv} from '../../src/adapters/netns/processes.js'
import {formatCidr, labDown, labUp, parseCidr, readState, stateFile} from '../../src/lab/index.js'
import {e2eLabName, removeLab, requireRoot, waitFor} from './lab-fixture.js'

const root = new URL('../../', import.meta.url).pathname
const runJs = join(root, 'bin', 'run.js')
const cliName = e2eLabName('el')
const crashName = e2eLabName('ek')
const lostName = e2eLabName('eo')
const overlapName = e2eLabName('ex')

async function flanctl(...args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> {
  const result = await execa(process.execPath, [runJs, ...args], {reject: false, timeout: 120_000, env: {NO_COLOR: '1'}})
  return {exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr)}
}

async function labNamespaces(name: string): Promise<string[]> {
  return (await listNetns()).filter((ns) => ns.startsWith(`flab-${name}-`))
}

/** The subnet of the root namespace's own eth0 (or its first global address), read with `ip -j`; nothing is changed. */
async function rootSubnet(): Promise<{iface: string; cidr: string}> {
  const links = JSON.parse((await execa('ip', ['-4', '-j', 'addr', 'show'])).stdout) as Array<{ifname: string; addr_info: Array<{local: string; prefixlen: number; scope: string}>}>
  const global = links.flatMap((l) => l.addr_info.filter((a) => a.scope === 'global').map((a) => ({iface: l.ifname, address: a})))
  const chosen = global.find((g) => g.iface === 'eth0') ?? global[0]
  assert.ok(chosen, 'the root namespace has a global IPv4 address')
  const parsed = parseCidr(`${chosen.address.local}/${chosen.address.prefixlen}`)!
  return {iface: chosen.iface, cidr: formatCidr(parsed)}
}

function labTempDirs(name: string): string[] {
  return readdirSync(tmpdir()).filter((entry) => entry.startsWith(`flanctl-lab-${name}-`))
}

describe('e2e: flanctl lab commands', () => {
  after(async () => {
    for (const name of [cliName, crashName, lostName, overlapName]) await removeLab(name)
  })

  it('lab up / status / exec / down through bin/run.js, with --json', async () => {
    requireRoot()
    const upRun = await flanctl('lab', 'up', '--hosts', '2', '--backend', 'vxlan', '--name', cliName, '--json')
    assert.equal(upRun.exitCode, 0, upRun.stderr)
    const up = JSON.parse(upRun.stdout)
    assert.equal(up.name, cliName)
    assert.deepEqual(up.warnings, [])
    assert.equal(up.hosts.length, 2)
    assert.equal(up.matrix.total, 2)
    assert.equal(up.matrix.okCount, 2)
    assert.deepEqual((await labNamespaces(cliName)).sort(), [`flab-${cliName}-c1`, `flab-${cliName}-c2`, `flab-${cliName}-h1`, `flab-${cliName}-h2`, `flab-${cliName}-sw`])

    const again = await flanctl('lab', 'up', '--name', cliName, '--json')
    assert.equal(again.exitCode, 8, 'a second lab of the same name is a conflict')
    assert.equal(JSON.parse(again.stdout).error.code, 'E_CONFLICT')

    const status = await flanctl('lab', 'status', '--name', cliName, '--ping', '--json')
    assert.equal(status.exitCode, 0, status.stderr)
    const view = JSON.parse(status.stdout)
    assert.ok(view.hosts.every((h: {alive: boolean}) => h.alive))
    assert.ok(view.etcd.every((m: {alive: boolean}) => m.alive))
    assert.equal(view.converged, true)
    assert.equal(view.matrix.okCount, 2)

    const human = await flanctl('lab', 'status', '--name', cliName)
    assert.match(human.stdout, /h1\s+flab-\S+-h1\s+203\.0\.113\.11\s+198\.18\.\d+\.0\/24\s+1450/)

    const exec = await flanctl('lab', 'exec', '--name', cliName, 'h1', '--', 'ip', '-d', 'link', 'show', 'flannel.1')
    assert.equal(exec.exitCode, 0, exec.stderr)
    assert.match(exec.stdout, /vxlan id 1 local 203\.0\.113\.11/)
    const failing = await flanctl('lab', 'exec', '--name', cliName, 'c1', '--', 'ping', '-c', '1', '-W', '1', '203.0.113.250')
    assert.equal(failing.exitCode, 1, 'the command exit code is passed through')
    const unknown = await flanctl('lab', 'exec', '--name', cliName, 'h9', '--', 'true')
    assert.equal(unknown.exitCode, 7)

    const pids = [...up.hosts.map((h: {pid: number}) => h.pid)]
    const down = await flanctl('lab', 'down', '--name', cliName, '--json')
    assert.equal(down.exitCode, 0, down.stderr)
    const removed = JSON.parse(down.stdout)
    assert.equal(removed.removedNamespaces.length, 5)
    assert.deepEqual(await labNamespaces(cliName), [])
    for (const pid of pids) assert.equal(processArgv(pid), undefined, `agent pid ${pid} is gone`)
    assert.deepEqual(labTempDirs(cliName), [])
    assert.ok(!existsSync(stateFile(cliName)))
    const missing = await flanctl('lab', 'status', '--name', cliName, '--json')
    assert.equal(missing.exitCode, 7)
  })

  it('usage errors exit 2 before anything is created', async () => {
    const badName = await flanctl('lab', 'up', '--name', 'Bad_Name', '--json')
    assert.equal(badName.exitCode, 2)
    assert.equal(JSON.parse(badName.stdout).error.code, 'E_USAGE')
    const badBackend = await flanctl('lab', 'up', '--backend', 'wireguard')
    assert.equal(badBackend.exitCode, 2)
    // hand-made hosts have no udp relay
    const manualUdp = await flanctl('lab', 'up', '--backend', 'udp', '--agent', 'manual', '--json')
    assert.equal(manualUdp.exitCode, 2)
    assert.match(JSON.parse(manualUdp.stdout).error.message, /--agent manual --backend udp/)
    const badUnderlay = await flanctl('lab', 'up', '--underlay', '203.0.113.0/28', '--hosts', '5', '--json')
    assert.equal(badUnderlay.exitCode, 2)
    assert.match(JSON.parse(badUnderlay.stdout).error.message, /too small for 5 hosts/)
  })

  it('lab up refuses an underlay overlapping the root namespace, naming the address and route, and creates nothing', async () => {
    requireRoot()
    const root = await rootSubnet()
    const run = await flanctl('lab', 'up', '--hosts', '2', '--name', overlapName, '--underlay', root.cidr, '--json')
    assert.equal(run.exitCode, 8, run.stderr)
    const {error} = JSON.parse(run.stdout)
    assert.equal(error.code, 'E_CONFLICT')
    assert.match(error.message, new RegExp(`overlaps the root namespace's address \\S+ on ${root.iface}`))
    assert.match(error.message, new RegExp(`route ${root.cidr.replace(/\./g, '\\.')} dev ${root.iface}`))
    assert.match(error.hint, /--underlay/)
    assert.deepEqual(await labNamespaces(overlapName), [])
    assert.deepEqual(labTempDirs(overlapName), [])
    assert.ok(!existsSync(stateFile(overlapName)))
  })

  it('lab down after `lab up` was killed half-way removes its processes, namespaces and dir', async () => {
    requireRoot()
    const child = spawn(process.execPath, [runJs, 'lab', 'up', '--hosts', '3', '--name', crashName], {stdio: 'ignore'})
    // kill it as soon as an agent runs: etcd, some namespaces and at least one agent exist
    const partial = await waitFor('lab up to start an agent', async () => {
      const s = readState(crashName)
      return s !== undefined && s.hosts.some((h) => h.pid !== undefined) ? s : undefined
    }, 60_000, 20)
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    await new Promise((resolve) => setTimeout(resolve, 500)) // an `ip` it had started may still finish
    const started = [...partial.etcd.map((m) => m.pid!), ...partial.hosts.flatMap((h) => (h.pid === undefined ? [] : [h.pid]))]
    assert.ok((await labNamespaces(crashName)).length > 0)

    const result = await labDown({name: crashName})
    assert.equal(result.hadState, true)
    assert.deepEqual(await labNamespaces(crashName), [])
    for (const pid of started) assert.equal(processArgv(pid), undefined, `pid ${pid} is gone`)
    assert.deepEqual(labTempDirs(crashName), [])
    assert.ok(!existsSync(stateFile(crashName)))
  })

  it('lab down without a state file still finds the lab by its namespace prefix and dir marker', async () => {
    requireRoot()
    const up = await labUp({name: lostName, hosts: 2, backend: 'host-gw', agent: 'manual'})
    const etcdPid = readState(lostName)!.etcd[0]!.pid!
    rmSync(join('/run/flanctl-lab', lostName), {recursive: true})
    const result = await labDown({name: lostName})
    assert.equal(result.hadState, false)
    assert.ok(result.stopped.some((p) => p.pid === etcdPid), 'etcd, found inside the switch namespace, is stopped')
    assert.equal(processArgv(etcdPid), undefined)
    assert.deepEqual(await labNamespaces(lostName), [])
    assert.ok(!existsSync(up.dir))
  })
})
