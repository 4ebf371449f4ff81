// e2e, diagnose on host-gw: the same checks through the backend module's own diagnosis (no
// device, no encapsulation port, peers on the L2 segment, overlay probes to the peer's bridge).
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {runCommand} from '../../src/adapters/netns/run-command.js'
import {labFault, labHeal} from '../../src/lab/lab-fault.js'
import {diagnoseArgv} from '../../src/lab/lab-diagnose.js'
import {labUp} from '../../src/lab/index.js'
import type {DiagnoseResult} from '../../src/engine/diagnose/run-diagnose.js'
import {e2eLabName, removeLab, requireRoot} from './lab-fixture.js'

const name = e2eLabName('dh')

async function diagnose(on: string, extra: string[] = []): Promise<{exitCode: number; result: DiagnoseResult}> {
  const [command, ...args] = diagnoseArgv(name, on, ['--json', ...extra])
  const out = await runCommand(command!, args, {reject: false, timeoutMs: 60_000})
  return {exitCode: out.exitCode, result: JSON.parse(out.stdout) as DiagnoseResult}
}

const statusOf = (r: DiagnoseResult, id: string): string | undefined => r.checks.find((c) => c.id === id)?.status

describe('e2e diagnose: host-gw', () => {
  before(async () => {
    requireRoot()
    await labUp({name, hosts: 2, backend: 'host-gw', ping: false})
  })
  after(async () => {
    await labHeal({name}).catch(() => {})
    await removeLab(name)
  })

  it('a healthy host-gw lab passes: no device, no port, peers on the segment, overlay answers', async () => {
    const {exitCode, result} = await diagnose('h1', ['-v'])
    assert.deepEqual(result.checks.filter((c) => c.status === 'fail').map((c) => c.id), [])
    assert.equal(exitCode, 0)
    assert.match(result.checks.find((c) => c.id === 'dataplane.device')!.evidence[0]!, /host-gw: no device/)
    assert.match(result.checks.find((c) => c.id === 'firewall.encap-port')!.evidence[0]!, /no encapsulation port/)
    for (const id of ['dataplane.l2', 'dataplane.peers', 'probes.overlay', 'probes.path-mtu']) assert.equal(statusOf(result, id), 'pass', id)
  })

  it('a route removed: the host-gw route and its command, put back by --fix', async () => {
    await labFault({name, host: 'h1', kind: 'route-removed'})
    try {
      const broken = await diagnose('h1')
      const peers = broken.result.checks.find((c) => c.id === 'dataplane.peers')!
      assert.equal(peers.status, 'fail')
      assert.match(peers.fix ?? '', /^ip route replace 198\.18\.\d+\.0\/24 via 203\.0\.113\.12 dev eth0 proto 151$/)
      const fixed = await diagnose('h1', ['--fix'])
      assert.equal(fixed.exitCode, 0, JSON.stringify(fixed.result.checks.filter((c) => c.status === 'fail')))
      assert.deepEqual(fixed.result.fixes?.map((f) => [f.check, f.applied]), [['dataplane.peers', true]])
    } finally {
      await labHeal({name, host: 'h1'})
    }
  })
})
