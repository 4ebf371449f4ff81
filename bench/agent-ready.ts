// `flanctl up` spawned -> READY=1 on $NOTIFY_SOCKET, with a fresh lease each time (the host's
// lease and subnet.env are removed before each start): what systemd, and docker after it, wait
// for. Reference: a bare `node -e 0` spawned the same way (ip netns exec in the same host),
// interleaved with the agent's samples. The samples are the starts after the first one after a
// build (bench/lib/code-cache.ts).
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {agentArgv, flanctlEntry} from '../src/lab/agents.js'
import {etcdctl, loadState} from '../src/lab/index.js'
import {stopLabAgent} from '../test/helpers/lab-ops.js'
import {CACHE_WRITING_MS, hasAgentCodeCache} from './lib/code-cache.js'
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
      const agentStart = async (lingerMs = 0): Promise<number> => {
        await etcdctl(state, ['del', '--prefix', `${state.etcdPrefix}/subnets/`])
        rmSync(host.subnetFile, {force: true})
        const ready = listener.nextReady(30_000)
        const start = process.hrtime.bigint()
        const agent = spawn(argv[0]!, argv.slice(1), {stdio: 'ignore', env: {...process.env, NOTIFY_SOCKET: listener.path}})
        const exited = new Promise((resolve) => agent.once('exit', resolve))
        try {
          const ms = nsToMs((await ready) - start)
          if (lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs))
          return ms
        } finally {
          agent.kill('SIGTERM')
          await exited
        }
      }
      const firstStartMs = hasAgentCodeCache() ? undefined : await agentStart(CACHE_WRITING_MS)
      for (let i = 0; i < samples; i++) {
        agentMs.push(await agentStart())
        nodeMs.push(await timeNode(host.netns))
      }
      return startupResult(agentMs, nodeMs, firstStartMs)
    } finally {
      listener.close()
    }
  })
}
