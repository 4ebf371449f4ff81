// flanctl config set / get against a real etcd: validation before any write (checked with
// etcdctl: the store's revision does not move), --dry-run, the report, and the missing-config hint.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, json, runCli} from './helpers/cli.js'

let etcd: EtcdServer
let dir: string
const at = (prefix = '/coreos.com/network') => ['--etcd-endpoints', etcd.endpoint, '--etcd-prefix', prefix]

/** The store's revision: it moves on every write, so an unchanged revision means etcd was not touched. */
async function revision(): Promise<number> {
  const out = JSON.parse(await etcd.etcdctl(['get', '/', '--prefix', '--keys-only', '-w', 'json'])) as {header: {revision: number}}
  return Number(out.header.revision)
}

async function get(key: string): Promise<string | undefined> {
  const out = await etcd.etcdctl(['get', key, '--print-value-only'])
  return out === '' ? undefined : out.replace(/\n$/, '')
}

before(async () => {
  assertBuilt()
  etcd = await startEtcd()
  dir = mkdtempSync(join(tmpdir(), 'flanctl-config-'))
})
after(async () => {
  await etcd?.destroy()
  rmSync(dir, {recursive: true, force: true})
})

describe('config set', () => {
  test('a valid config is written as given and reported normalised', async () => {
    const text = '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}'
    const result = await runCli(['config', 'set', text, ...at(), '--json'])
    assert.equal(result.code, 0, result.stderr)
    const view = json(result)
    assert.deepEqual(view, {
      key: '/coreos.com/network/config',
      dryRun: false,
      written: true,
      value: text,
      previousValue: null,
      config: {
        network: '10.5.0.0/16', subnetLen: 24, subnetMin: '10.5.1.0', subnetMax: '10.5.255.0', enableIPv4: true, enableIPv6: false,
        ipv6Network: null, ipv6SubnetLen: null, ipv6SubnetMin: null, ipv6SubnetMax: null, enableNFTables: false,
        backend: {type: 'vxlan', vni: 1, port: null, directRouting: false, mtu: null},
      },
      capacity: 255,
      leasesOutside: [],
      change: {changed: [], hostsOnOldShape: 0, oldShapeLeases: [], changesWhen: 'agent-restart', splitsNetwork: false, mtu: null, dockerRestart: false, notes: []},
      warnings: [],
    })
    assert.equal(await get('/coreos.com/network/config'), text)
  })

  test('an invalid config: exit 3 with flannel\'s message, etcd untouched', async () => {
    const before = await revision()
    const result = await runCli(['config', 'set', '{"Network":"10.5.0.0/16","SubnetLen":31}', ...at()])
    assert.equal(result.code, 3)
    assert.match(result.stderr, /error \[E_INVALID_CONFIG\] invalid network config from the JSON argument: SubnetLen must be less than \/31/)
    assert.match(result.stderr, /hint: Nothing was written/)
    assert.equal(result.stdout, '')
    assert.equal(await revision(), before)
    assert.equal(await get('/coreos.com/network/config'), '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}')
  })

  test('JSON that does not parse, and a missing Network: exit 3, untouched', async () => {
    const before = await revision()
    for (const bad of ['{"Network": "10.5.0.0/16"', '{"Backend":{"Type":"vxlan"}}']) {
      const result = await runCli(['config', 'set', bad, ...at(), '--json'])
      assert.equal(result.code, 3, result.stderr)
      const view = json<{error: {code: string; message: string}; warnings: string[]}>(result)
      assert.equal(view.error.code, 'E_INVALID_CONFIG')
    }
    const missing = await runCli(['config', 'set', '{"Backend":{"Type":"vxlan"}}', ...at()])
    assert.match(missing.stderr, /please define a correct Network parameter in the flannel config/)
    assert.equal(await revision(), before)
  })

  test('--dry-run reports the leases the new config strands, and writes nothing', async () => {
    await etcd.etcdctl(['put', '/coreos.com/network/subnets/10.5.7.0-24', '{"PublicIP":"192.0.2.7","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"0a:58:c0:00:02:07"}}'])
    const before = await revision()
    const result = await runCli(['config', 'set', '--network', '10.6.0.0/16', '--subnet-len', '26', '--backend', 'host-gw', '--dry-run', ...at(), '--json'])
    assert.equal(result.code, 0, result.stderr)
    const view = json<{written: boolean; dryRun: boolean; value: string; capacity: number; leasesOutside: Array<{subnet: string; publicIp: string}>; warnings: string[]; previousValue: string}>(result)
    assert.equal(view.written, false)
    assert.equal(view.dryRun, true)
    assert.equal(view.value, '{"Network":"10.6.0.0/16","SubnetLen":26,"Backend":{"Type":"host-gw"}}')
    assert.equal(view.capacity, 1023)
    assert.deepEqual(view.leasesOutside.map((l) => [l.subnet, l.publicIp]), [['10.5.7.0/24', '192.0.2.7']])
    assert.deepEqual(view.warnings, ['1 existing lease(s) fall outside the new config: /coreos.com/network/subnets/10.5.7.0-24'])
    assert.equal(view.previousValue, '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}')
    assert.equal(await revision(), before)
  })

  test('human output: the normalised config, the capacity, stranded leases as a table; warnings on stderr', async () => {
    const result = await runCli(['config', 'set', '{"Network":"10.6.0.0/16","SubnetMin":"10.6.9.0","SubnetMax":"10.6.3.0"}', '--dry-run', ...at()])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^Dry run: \/coreos\.com\/network\/config is unchanged; it would get\n {2}\{"Network":"10\.6\.0\.0\/16"/)
    assert.match(result.stdout, /^Network: +10\.6\.0\.0\/16$/m)
    assert.match(result.stdout, /^Backend: +udp, port 8285$/m)
    assert.match(result.stdout, /^Capacity: +0 subnets$/m)
    assert.match(result.stdout, /^SUBNET +PUBLIC IP +BACKEND +VTEP MAC +EXPIRES$/m)
    assert.match(result.stdout, /^10\.5\.7\.0\/24 +192\.0\.2\.7 +vxlan +0a:58:c0:00:02:07 +reservation$/m)
    assert.match(result.stderr, /^warning: SubnetMin 10\.6\.9\.0 is above SubnetMax 10\.6\.3\.0/m)
    assert.match(result.stderr, /^warning: 1 existing lease\(s\) fall outside the new config/m)
    assert.doesNotMatch(result.stdout + result.stderr, /\u001b\[/, 'no colour when output is not a terminal')
  })

  test('--file, and the config given two ways is a usage error (exit 2)', async () => {
    const file = join(dir, 'net.json')
    writeFileSync(file, '{"Network":"10.8.0.0/16","Backend":{"Type":"host-gw"}}\n')
    const written = await runCli(['config', 'set', '--file', file, ...at('/other/network'), '--json'])
    assert.equal(written.code, 0, written.stderr)
    assert.equal(await get('/other/network/config'), '{"Network":"10.8.0.0/16","Backend":{"Type":"host-gw"}}')
    const both = await runCli(['config', 'set', '{"Network":"10.9.0.0/16"}', '--file', file, ...at()])
    assert.equal(both.code, 2)
    assert.match(both.stderr, /give the config one way only, not the JSON argument and --file/)
    const none = await runCli(['config', 'set', ...at()])
    assert.equal(none.code, 2)
    const missingFile = await runCli(['config', 'set', '--file', join(dir, 'nope.json'), ...at()])
    assert.equal(missingFile.code, 2)
    assert.match(missingFile.stderr, /cannot read --file .*nope\.json: ENOENT/)
  })

  test('a bad flag value is exit 2 (oclif\'s parse error)', async () => {
    const result = await runCli(['config', 'set', '--network', '10.1.0.0/16', '--subnet-len', 'wide', ...at()])
    assert.equal(result.code, 2)
    assert.match(result.stderr, /\[E_USAGE\]/)
  })
})

describe('config get', () => {
  test('prints the stored config and how flannel reads it', async () => {
    const result = await runCli(['config', 'get', ...at()])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout.split('\n')[0], '/coreos.com/network/config')
    assert.match(result.stdout, /^ {2}\{"Network":"10\.5\.0\.0\/16","Backend":\{"Type":"vxlan"\}\}$/m)
    assert.match(result.stdout, /^Backend: +vxlan, VNI 1, port 8472 \(kernel default\)$/m)
    assert.match(result.stdout, /^Capacity: +255 subnets$/m)
    const asJson = json<{key: string; value: string; capacity: number; warnings: string[]}>(await runCli(['config', 'get', ...at(), '--json']))
    assert.equal(asJson.key, '/coreos.com/network/config')
    assert.equal(asJson.capacity, 255)
    assert.deepEqual(asJson.warnings, [])
  })

  test('missing: exit 4, names the key it read, points at the config under /atomic.io/network', async () => {
    await etcd.etcdctl(['put', '/atomic.io/network/config', '{"Network":"172.16.0.0/12","Backend":{"Type":"vxlan"}}'])
    const missing = await runCli(['config', 'get', ...at('/flannel/network')])
    assert.equal(missing.code, 4)
    assert.match(missing.stderr, new RegExp(`error \\[E_NO_CONFIG\\] no network config at /flannel/network/config \\(.*${etcd.endpoint.replace(/[.]/g, '\\.')}`))
    assert.match(missing.stderr, /hint: Found a flannel config at .*\/atomic\.io\/network\/config.*: use --etcd-prefix \/atomic\.io\/network/)
    const asJson = json<{error: {code: string; message: string; hint: string}}>(await runCli(['config', 'get', ...at('/flannel/network'), '--json']))
    assert.equal(asJson.error.code, 'E_NO_CONFIG')
    assert.match(asJson.error.hint, /\/atomic\.io\/network\/config/)
  })

  test('an invalid stored config: exit 3 naming the key, the stored text in the hint', async () => {
    await etcd.etcdctl(['put', '/broken/network/config', '{"Network":"10.1.0.0/30"}'])
    const result = await runCli(['config', 'get', ...at('/broken/network')])
    assert.equal(result.code, 3)
    assert.match(result.stderr, /\[E_INVALID_CONFIG\] invalid network config at \/broken\/network\/config: network is too small/)
    assert.match(result.stderr, /It reads: \{"Network":"10\.1\.0\.0\/30"\}/)
  })
})
