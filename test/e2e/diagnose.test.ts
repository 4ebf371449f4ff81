// e2e, diagnose: one vxlan lab of 3 real `flanctl up` hosts. Healthy, every host's diagnose
// passes (exit 0). Then for each fault kind of the lab's one list, in turn: inject it into h1,
// run diagnose there (--json), assert the check the fault names fails, apply that check's fix
// (diagnose --fix when flanctl owns the fix, the printed command otherwise, `lab heal` where the
// fix is outside the host), see diagnose pass again, heal.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {runCommand} from '../../src/adapters/netns/run-command.js'
import {FAULT_KINDS} from '../../src/lab/fault-kinds.js'
import {labFault, labHeal} from '../../src/lab/lab-fault.js'
import {diagnoseArgv} from '../../src/lab/lab-diagnose.js'
import {flanctlEntry} from '../../src/lab/agents.js'
import {labUp} from '../../src/lab/index.js'
import type {DiagnoseResult} from '../../src/engine/diagnose/run-diagnose.js'
import {startLabEtcd, stopLabEtcd} from '../helpers/lab-ops.js'
import {e2eLabName, host, removeLab, requireRoot, state, waitFor} from './lab-fixture.js'

const name = e2eLabName('dg')

async function diagnose(on: string, extra: string[] = []): Promise<{exitCode: number; result: DiagnoseResult; stderr: string}> {
  const [command, ...args] = diagnoseArgv(name, on, ['--json', ...extra])
  const out = await runCommand(command!, args, {reject: false, timeoutMs: 60_000})
  let result: DiagnoseResult
  try {
    result = JSON.parse(out.stdout) as DiagnoseResult
  } catch {
    assert.fail(`diagnose on ${on} printed no JSON (exit ${out.exitCode}): ${out.stdout} ${out.stderr}`)
  }
  return {exitCode: out.exitCode, result, stderr: out.stderr}
}

const failed = (r: DiagnoseResult): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.id)

/** Runs a printed fix command inside the host (flanctl commands with the lab's etcd). */
async function runFix(on: string, fix: string): Promise<void> {
  const s = state(name)
  const h = host(s, on)
  const argv = fix.startsWith('flanctl ')
    ? [process.execPath, flanctlEntry(), ...fix.slice('flanctl '.length).split(' '), '--etcd-endpoints', s.etcdEndpoints.join(',')]
    : ['sh', '-c', fix]
  await runCommand('ip', ['netns', 'exec', h.netns, ...argv], {timeoutMs: 30_000})
}

/** How each fault's check is fixed: --fix for what flanctl owns, the printed command, or the lab's heal. */
const FIX_BY: Record<string, 'auto' | 'command' | 'heal'> = {
  'forward-blocked': 'command',
  'ip-forward-off': 'auto',
  'encap-port-dropped': 'command',
  'underlay-mtu': 'heal', // the lowered link is the switch's, outside the host
  'agent-stopped': 'heal', // `lab heal` starts the agent with its command line
  'route-removed': 'auto',
  'fdb-removed': 'auto',
  'duplicate-public-ip': 'command',
  'stale-subnet-env': 'heal', // the fix is to restart the agent (it rewrites the file); heal restores it
}

describe('e2e diagnose: a vxlan lab broken one fault at a time', () => {
  before(async () => {
    requireRoot()
    await labUp({name, hosts: 3, backend: 'vxlan', ping: false})
  })
  after(async () => {
    await labHeal({name}).catch((error: Error) => console.error(`heal: ${error.message}`))
    await removeLab(name)
  })

  it('a healthy lab: diagnose passes on every host, probes included (exit 0)', async () => {
    for (const h of ['h1', 'h2', 'h3']) {
      const {exitCode, result} = await diagnose(h)
      assert.deepEqual(failed(result), [], `${h}: ${JSON.stringify(result.checks.filter((c) => c.status === 'fail'))}`)
      assert.equal(exitCode, 0)
      for (const id of ['probes.underlay', 'probes.overlay', 'probes.path-mtu', 'dataplane.peers', 'agent.process', 'agent.health', 'agent.report']) {
        assert.equal(result.checks.find((c) => c.id === id)?.status, 'pass', `${h} ${id}`)
      }
    }
  })

  it('--peer: only that peer\'s entries and probes', async () => {
    const peer = host(state(name), 'h2')
    const {result} = await diagnose('h1', ['--peer', peer.subnet!, '-v'])
    const underlay = result.checks.find((c) => c.id === 'probes.underlay')!
    assert.deepEqual(underlay.evidence.map((e) => e.split(' ')[0]), [peer.subnet])
    const byIp = await diagnose('h1', ['--peer', peer.publicIp])
    assert.match(byIp.result.checks.find((c) => c.id === 'dataplane.peers')!.title, /\(1 peers\)/)
  })

  it('every fault kind has a way to be fixed in this test', () => {
    assert.deepEqual(Object.keys(FIX_BY).sort(), FAULT_KINDS.map((f) => f.kind).sort())
  })

  for (const fault of FAULT_KINDS) {
    it(`${fault.kind}: diagnose fails ${fault.check}; its fix makes it pass again`, async () => {
      await labFault({name, host: 'h1', kind: fault.kind})
      try {
        const broken = await diagnose('h1')
        assert.ok(failed(broken.result).includes(fault.check), `${fault.check} fails: got ${failed(broken.result).join(', ') || 'none'}`)
        assert.equal(broken.exitCode, 1)
        const check = broken.result.checks.find((c) => c.id === fault.check)!
        assert.ok(check.fix, `${fault.check} says how to fix it`)
        const how = FIX_BY[fault.kind]
        if (how === 'auto') {
          assert.ok(check.autoFix, `${fault.check} is one --fix applies`)
          const dry = await diagnose('h1', ['--fix', '--dry-run'])
          assert.ok(dry.result.fixes?.some((f) => f.check === fault.check && !f.applied && f.commands.length > 0), 'dry run: the commands, none applied')
          assert.ok(failed((await diagnose('h1')).result).includes(fault.check), 'dry run changed nothing')
          const fixed = await diagnose('h1', ['--fix'])
          assert.ok(fixed.result.fixes?.some((f) => f.check === fault.check && f.applied), `--fix applied ${fault.check}'s fix: ${JSON.stringify(fixed.result.fixes)}`)
        } else if (how === 'command') {
          await runFix('h1', check.fix)
        } else {
          await labHeal({name, host: 'h1'})
        }
        const again = await diagnose('h1')
        assert.deepEqual(failed(again.result), [], `after the fix: ${JSON.stringify(again.result.checks.filter((c) => c.status === 'fail'))}`)
        assert.equal(again.exitCode, 0)
      } finally {
        await labHeal({name, host: 'h1'})
      }
    })
  }

  it('flannel\'s own chains flushed while the agent hangs: firewall.flannel-rules and masq fail, --fix restores them', async () => {
    const h1 = host(state(name), 'h1')
    process.kill(h1.pid!, 'SIGSTOP')
    try {
      await runCommand('ip', ['netns', 'exec', h1.netns, 'iptables', '-w', '5', '-F', 'FLANNEL-FWD'])
      await runCommand('ip', ['netns', 'exec', h1.netns, 'iptables', '-w', '5', '-t', 'nat', '-F', 'FLANNEL-POSTRTG'])
      const broken = await diagnose('h1')
      assert.deepEqual(failed(broken.result).filter((id) => id.startsWith('firewall.')), ['firewall.flannel-rules', 'firewall.masq'])
      const dry = await diagnose('h1', ['--fix', '--dry-run'])
      assert.match(dry.result.fixes?.find((f) => f.fix === 'flannel-rules')?.commands[0] ?? '', /^iptables-restore -w 5 --noflush <<'EOF'\n\*nat\n:FLANNEL-POSTRTG - \[0:0\]\n/)
      const fixed = await diagnose('h1', ['--fix'])
      assert.deepEqual(failed(fixed.result), [], JSON.stringify(fixed.result.fixes))
    } finally {
      process.kill(h1.pid!, 'SIGCONT')
    }
  })

  it('the peers see an encapsulation dropped on h1 as such, the port named', async () => {
    await labFault({name, host: 'h1', kind: 'encap-port-dropped'})
    try {
      const {result} = await diagnose('h2')
      const overlay = result.checks.find((c) => c.id === 'probes.overlay')!
      assert.equal(overlay.status, 'fail')
      assert.match(overlay.evidence.join('\n'), /underlay answers but the overlay does not .*UDP 8472/)
    } finally {
      await labHeal({name, host: 'h1'})
    }
  })

  it('lab status --ping exits 10 when full-size packets are lost, 0 when healed', async () => {
    const status = () => runCommand(process.execPath, [flanctlEntry(), 'lab', 'status', '--ping', '--name', name, '--json'], {reject: false, timeoutMs: 60_000})
    await labFault({name, host: 'h2', kind: 'underlay-mtu'})
    try {
      const broken = await status()
      assert.equal(broken.exitCode, 10)
      const matrix = (JSON.parse(broken.stdout) as {matrix: {okCount: number; total: number; pairs: Array<{from: string; to: string; fullSize?: boolean}>}}).matrix
      assert.equal(matrix.okCount, matrix.total, 'small pings still pass')
      assert.ok(matrix.pairs.filter((p) => p.fullSize === false).every((p) => p.from === 'h2' || p.to === 'h2'))
      assert.equal(matrix.pairs.filter((p) => p.fullSize === false).length, 4)
    } finally {
      await labHeal({name, host: 'h2'})
    }
    assert.equal((await status()).exitCode, 0)
  })

  it('etcd lost while the agents run: diagnose fails etcd.reachable (exit 5) and reads the agent\'s own report: degraded, etcd unreachable since when', async () => {
    await stopLabEtcd(name)
    try {
      const seen = await waitFor('the agent\'s /status to say etcd is unreachable', async () => {
        const {exitCode, result} = await diagnose('h1', ['--no-probe', '--timeout', '2'])
        const report = result.checks.find((c) => c.id === 'agent.report')!
        return report.status === 'warn' && /etcd unreachable since/.test(report.evidence.join('\n')) ? {exitCode, report} : undefined
      }, 60_000, 500)
      assert.equal(seen.exitCode, 5)
      assert.match(seen.report.evidence[0]!, /^state degraded/)
    } finally {
      await startLabEtcd(name)
    }
  })

  it('etcd unreachable and a wrong prefix fail fast with their check (exit 5, exit 1)', async () => {
    const down = await diagnose('h1', ['--etcd-endpoints', 'http://203.0.113.1:2399', '--timeout', '2'])
    assert.equal(down.exitCode, 5)
    assert.deepEqual(failed(down.result), ['etcd.reachable', 'etcd.endpoints', 'etcd.cluster'])
    assert.match(down.result.checks.find((c) => c.id === 'etcd.endpoints')!.evidence[0]!, /2399: tcp: connection refused/)
    const wrong = await diagnose('h1', ['--etcd-prefix', '/atomic.io/network'])
    assert.equal(wrong.exitCode, 1)
    assert.deepEqual(failed(wrong.result), ['config.present'])
    assert.match(wrong.result.checks.find((c) => c.id === 'config.present')!.fix ?? '', /--etcd-prefix \/coreos\.com\/network/)
  })
})
