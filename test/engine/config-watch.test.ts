// A running agent notices a new network config in etcd and logs what it means for this host,
// once per new text; it keeps running with the config it started with (as flanneld does).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {runAgent} from '../../src/engine/agent.js'
import {CONFIG_POLL_MS} from '../../src/engine/config-watch.js'
import {harness} from './agent-fakes.js'

async function running() {
  const h = harness()
  const run = runAgent(h.options, h.deps)
  run.catch(() => {})
  await h.clock.advance(0)
  assert.deepEqual(h.ready, [true])
  return {h, run}
}

test('a backend switch is logged once as a warning saying what happens when, and the agent keeps its kernel state', async () => {
  const {h, run} = await running()
  await h.clock.advance(CONFIG_POLL_MS)
  assert.deepEqual(h.log.find('network config changed'), [], 'nothing changed: nothing logged')
  const programmed = h.kernel.ids()
  h.store.config = '{"Network":"198.18.0.0/16","Backend":{"Type":"host-gw"}}'
  await h.clock.advance(CONFIG_POLL_MS)
  await h.clock.advance(CONFIG_POLL_MS)
  const lines = h.log.find('network config changed')
  assert.equal(lines.length, 1, h.log.text())
  assert.equal(lines[0].level, 'warn')
  assert.equal(lines[0].fields.changes, 'Backend.Type vxlan -> host-gw; FLANNEL_MTU underlay MTU - 50 -> underlay MTU')
  assert.equal(lines[0].fields.running, 'vxlan subnet 198.18.1.0/24')
  assert.match(String(lines[0].fields.meaning), /keeps running with the config it started with .*when restarted: backend host-gw, FLANNEL_MTU underlay MTU \(restart docker after it: new --mtu\)/)
  assert.match(String(lines[0].fields.reach), /hosts still on vxlan and hosts on host-gw cannot reach each other/)
  assert.deepEqual(h.kernel.ids(), programmed)
  h.controller.abort()
  await run
})

test('a new SubnetLen says the subnet (and docker --bip) changes on restart; a harmless change is info; invalid and deleted are warnings', async () => {
  const {h, run} = await running()
  h.store.config = '{"Network":"198.18.0.0/16","SubnetLen":26,"Backend":{"Type":"vxlan"}}'
  await h.clock.advance(CONFIG_POLL_MS)
  const moved = h.log.find('network config changed').at(-1)!
  assert.equal(moved.level, 'warn')
  assert.match(String(moved.fields.meaning), /a new subnet \(restart docker after it: new --bip\)/)
  assert.equal(moved.fields.reach, undefined, 'same backend: no split')
  h.store.config = '{"Network":"198.18.0.0/16","SubnetMax":"198.18.100.0","Backend":{"Type":"vxlan"}}'
  await h.clock.advance(CONFIG_POLL_MS)
  const harmless = h.log.find('network config changed').at(-1)!
  assert.equal(harmless.level, 'info')
  assert.match(String(harmless.fields.meaning), /keeps its backend and subnet/)
  h.store.config = '{"Network":"198.18.0.0/16","SubnetLen":40}'
  await h.clock.advance(CONFIG_POLL_MS)
  assert.match(String(h.log.find('network config changed and is invalid')[0].fields.error), /SubnetLen/)
  h.store.config = undefined
  await h.clock.advance(CONFIG_POLL_MS)
  await h.clock.advance(CONFIG_POLL_MS)
  assert.equal(h.log.find('network config deleted').length, 1)
  h.store.config = '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}'
  await h.clock.advance(CONFIG_POLL_MS)
  assert.equal(h.log.find('network config is back to the one this agent runs').length, 1)
  h.controller.abort()
  await run
})
