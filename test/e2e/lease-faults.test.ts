// e2e: lease data that must never reach the kernel, and two hosts with one public IP. A 2-host
// vxlan lab (real etcd, real `flanctl up`); garbage written with etcdctl, then the kernel read back.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {after, before, describe, it} from 'node:test'
import {etcdctl, labUp, readFdb, readLabLeases, readRoutes, type LabState} from '../../src/lab/index.js'
import {runInNetns} from '../../src/adapters/netns/run-command.js'
import {addLabHost, stopLabAgent} from '../helpers/lab-ops.js'
import {agentLogTail, e2eLabName, host, leaseOf, pingLoop, removeLab, requireRoot, state, waitFor} from './lab-fixture.js'

const name = e2eLabName('elf')

const value = (publicIp: string, mac: string) => JSON.stringify({PublicIP: publicIp, PublicIPv6: null, BackendType: 'vxlan', BackendData: {VNI: 1, VtepMAC: mac}})
const logOf = async (s: LabState, hostName: string) => readFile(host(s, hostName).logFile, 'utf8').catch(() => '')

describe('e2e: garbage leases and a duplicate public IP', () => {
  before(async () => {
    requireRoot()
    const up = await labUp({name, hosts: 2, backend: 'vxlan'})
    assert.ok(up.converged, `routes converged: ${up.missingRoutes.join('; ')}`)
  })
  after(async () => {
    await removeLab(name)
  })

  it('garbage leases written to etcd never reach the kernel; the good peer keeps its entries', async () => {
    const s = state(name)
    const h1 = host(s, 'h1')
    const h2Lease = await leaseOf(s, 'h2')
    // a default route for the 0.0.0.0-0 key to threaten (the lab's hosts have none)
    await runInNetns(h1.netns, 'ip', ['route', 'add', 'default', 'via', host(s, 'h2').publicIp, 'dev', h1.iface])
    const defaultBefore = (await readRoutes(h1.netns)).filter((r) => r.dst === 'default')
    assert.equal(defaultBefore.length, 1)
    const keys: Record<string, string> = {
      '0.0.0.0-0': value('203.0.113.77', '0a:00:00:00:00:77'),
      '10.0.0.0-8': value('203.0.113.78', '0a:00:00:00:00:78'),
      '192.168.0.0-16': value('203.0.113.79', '0a:00:00:00:00:79'),
      '198.18.241.0-24': value('127.0.0.1', '0a:00:00:00:00:f1'),
      '198.18.242.0-24': value('0.0.0.0', '0a:00:00:00:00:f2'),
      '198.18.243.0-24': value('255.255.255.255', '0a:00:00:00:00:f3'),
      '198.18.244.0-24': value('224.0.0.5', '0a:00:00:00:00:f4'),
      '198.18.245.0-24': value('203.0.113.85', '00:00:00:00:00:00'),
      '198.18.246.0-24': value('203.0.113.86', 'ff:ff:ff:ff:ff:ff'),
      '198.18.247.0-24': value('203.0.113.87', '01:00:5e:00:00:01'),
      // a copy of h2's VtepMAC, newer than h2's lease
      '198.18.248.0-24': value('203.0.113.88', h2Lease.vtepMac!),
    }
    for (const [key, text] of Object.entries(keys)) await etcdctl(s, ['put', `${s.etcdPrefix}/subnets/${key}`, text])
    // h1's own address under another key: only h1 judges it its own
    await etcdctl(s, ['put', `${s.etcdPrefix}/subnets/198.18.249.0-24`, value(h1.publicIp, '0a:00:00:00:00:f9')])

    const log = await waitFor('h1 to warn about every garbage key', async () => {
      const text = await logOf(s, 'h1')
      const skipped = text.split('\n').filter((line) => line.includes('skipping lease'))
      return [...Object.keys(keys), '198.18.249.0-24'].every((k) => skipped.some((line) => line.includes(`subnets/${k}`))) && text
    }, 60_000)
    assert.match(log, /198\.18\.248\.0-24.*VtepMAC .* is already the VtepMAC of the older lease .*subnets\/198\.18\.\d+\.0-24/)
    assert.match(log, /PublicIP 127\.0\.0\.1 is a loopback address/)
    assert.match(log, /subnet 0\.0\.0\.0\/0 is not a \/24 inside the Network 198\.18\.0\.0\/16/)
    assert.match(log, /PublicIP [\d.]+ is this host's own address/)
    // let a full resync pass run after the warnings
    const passes = (text: string) => text.split('\n').length
    const seen = passes(await logOf(s, 'h1'))
    await waitFor('a later log line (time for a resync pass)', async () => passes(await logOf(s, 'h1')) > seen || (await new Promise((r) => setTimeout(r, 6_000, true))))

    const routes = await readRoutes(h1.netns)
    assert.deepEqual(routes.filter((r) => r.dst === 'default'), defaultBefore, 'the default route is untouched')
    const garbageDsts = [...Object.keys(keys), '198.18.249.0-24'].map((k) => k.replace('-', '/'))
    assert.deepEqual(routes.filter((r) => garbageDsts.includes(r.dst) || (r.dst === '0.0.0.0/0')).map((r) => r.dst), [])
    const fdb = await readFdb(h1.netns, 'flannel.1')
    assert.deepEqual(fdb.filter((f) => f.mac === h2Lease.vtepMac).map((f) => f.dst), [host(s, 'h2').publicIp], "h2's fdb entry is h2's")
    assert.ok(!fdb.some((f) => ['00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01'].includes(f.mac) && f.dst !== undefined && f.dst.startsWith('203.0.113.8')))
    const ping = await pingLoop(h1.container.netns, host(s, 'h2').container.ip!, 3)
    assert.equal(ping.received, 3, ping.output)
    for (const key of [...Object.keys(keys), '198.18.249.0-24']) await etcdctl(s, ['del', `${s.etcdPrefix}/subnets/${key}`])
    await runInNetns(h1.netns, 'ip', ['route', 'del', 'default'])
  })

  it("a second host started with h1's public IP: h1 says so, puts its value back, the newcomer yields, the overlay works", async () => {
    const s0 = state(name)
    const h1 = host(s0, 'h1')
    const h1Key = `${s0.etcdPrefix}/subnets/${h1.subnet!.replace('/', '-')}`
    const h1Mac = (await leaseOf(s0, 'h1')).vtepMac
    await addLabHost(name, {extraAgentArgs: ['--public-ip', h1.publicIp]})
    const s = state(name)
    const h3 = host(s, 'h3')
    assert.equal(h3.subnet, h1.subnet, 'flannel\'s rule: the lease of this public IP is reused')

    await waitFor('h1 to log the overwrite', async () => (await logOf(s, 'h1')).includes('own lease overwritten by another host'), 60_000)
    await waitFor("h3 to warn that it reused another host's lease", async () => (await logOf(s, 'h3')).includes("reused our lease, but it held another host's data"), 60_000)
    // after the hold-off (30 s) h1 writes its value back; h3 yields instead of fighting
    await waitFor("h1's VtepMAC back in its lease", async () => (await readLabLeases(s)).find((l) => l.key === h1Key)?.vtepMac === h1Mac, 120_000)
    await waitFor('h3 to yield', async () => (await logOf(s, 'h3')).includes('yielding the lease to the host that held it before us'), 60_000)
    assert.match(await logOf(s, 'h1'), /own lease value restored/)
    const macs: string[] = []
    for (let i = 0; i < 3; i++) {
      macs.push((await readLabLeases(s)).find((l) => l.key === h1Key)?.vtepMac ?? '')
      await pingLoop(host(s, 'h2').container.netns, h1.container.ip!, 2)
    }
    assert.deepEqual(macs, [h1Mac, h1Mac, h1Mac], 'no flapping while both run')
    const ping = await pingLoop(host(s, 'h2').container.netns, h1.container.ip!, 3)
    assert.equal(ping.received, 3, `${ping.output}\nh1: ${await agentLogTail(h1, 10)}`)
    await stopLabAgent(name, 'h3')
    const after = await pingLoop(host(s, 'h2').container.netns, h1.container.ip!, 3)
    assert.equal(after.received, 3, after.output)
  })
})
