// `flanctl up` spawned -> READY=1 on $NOTIFY_SOCKET, with a fresh lease each time (the host's
// lease and subnet.env are removed before each start): what systemd, and docker after it, wait
// for. Reference: a bare `node -e 0` spawned the same way (ip netns exec in the same host),
// interleaved with the agent's samples.
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {agentArgv, flanctlEntry} from '../src/lab/agents.js'
import {etcdctl, loadState} from '../src/lab/index.js'
import {stopLabAgent} from '../test/helpers/lab-ops.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {NotifyListener} from './lib/notify-listener.js'
import {nsToMs} from './lib/stats.js'
import {startupResult, type StartupResult} from './lib/startup-result.js'
import {timeNode} from './lib/time-node.js'

export type AgentReadyResult = StartupResult

export async function agentReadyBench(options: {samples?: number} = {}): Promise<AgentReadyResult> {
  const samples = options.samples ?? 10
  const name = benchLabName('r')
  return withLab({name, hosts: 1, backend: 'vxlan'}, async () => {
    const state = loadState(name)
    const host = state.hosts[0]!
    await stopLabAgent(name, host.name)
    const listener = new NotifyListener()
    const argv = agentArgv(state, host, flanctlEntry())
    const agentMs: number[] = []
    const nodeMs: number[] = []
    try {
      await listener.listening
      for (let i = 0; i < samples; i++) {
        await etcdctl(state, ['del', '--prefix', `${state.etcdPrefix}/subnets/`])
        rmSync(host.subnetFile, {force: true})
        const ready = listener.nextReady(30_000)
        const start = process.hrtime.bigint()
        const agent = spawn(argv[0]!, argv.slice(1), {stdio: 'ignore', env: {...process.env, NOTIFY_SOCKET: listener.path}})
        const exited = new Promise((resolve) => agent.once('exit', resolve))
        try {
          agentMs.push(nsToMs((await ready) - start))
        } finally {
          agent.kill('SIGTERM')
          await exited
        }
        nodeMs.push(await timeNode(host.netns))
      }
    } finally {
      listener.close()
    }
    return startupResult(agentMs, nodeMs)
  })
}
