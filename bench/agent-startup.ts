// `flanctl up` started -> subnet.env written (lease already in etcd, so a restart: the common
// case), against a bare `node -e 0` started the same way (ip netns exec in the same host).
import {existsSync, rmSync, watch} from 'node:fs'
import {basename, dirname} from 'node:path'
import {loadState} from '../src/lab/index.js'
import {startLabAgent, stopLabAgent} from '../test/helpers/lab-ops.js'
import {CACHE_WRITING_MS, hasAgentCodeCache} from './lib/code-cache.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {nsToMs} from './lib/stats.js'
import {startupResult, type StartupResult} from './lib/startup-result.js'
import {timeNode} from './lib/time-node.js'

export type AgentStartupResult = StartupResult

function waitForFile(file: string, timeoutMs: number): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(file), (_event, name) => {
      if (name === basename(file) && existsSync(file)) finish()
    })
    const timer = setTimeout(() => {
      watcher.close()
      reject(new Error(`${file} not written within ${timeoutMs} ms`))
    }, timeoutMs)
    const finish = (): void => {
      const at = process.hrtime.bigint()
      clearTimeout(timer)
      watcher.close()
      resolve(at)
    }
  })
}

export async function agentStartupBench(options: {samples?: number} = {}): Promise<AgentStartupResult> {
  const samples = options.samples ?? 10
  const name = benchLabName('s')
  return withLab({name, hosts: 1, backend: 'vxlan'}, async () => {
    const host = loadState(name).hosts[0]!
    const agentMs: number[] = []
    const nodeMs: number[] = []
    const agentStart = async (lingerMs = 0): Promise<number> => {
      await stopLabAgent(name, host.name)
      rmSync(host.subnetFile, {force: true})
      const written = waitForFile(host.subnetFile, 30_000)
      const start = process.hrtime.bigint()
      startLabAgent(name, host.name)
      const ms = nsToMs((await written) - start)
      if (lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs))
      return ms
    }
    const firstStartMs = hasAgentCodeCache() ? undefined : await agentStart(CACHE_WRITING_MS)
    for (let i = 0; i < samples; i++) {
      agentMs.push(await agentStart())
      nodeMs.push(await timeNode(host.netns))
    }
    return startupResult(agentMs, nodeMs, firstStartMs)
  })
}
