// The reference for start-up figures: a bare `node -e 0`, spawned the way the agent is (ip netns
// exec in the same host), from spawn to exit.
import {spawn} from 'node:child_process'
import {nsToMs} from './stats.js'

export async function timeNode(netns: string): Promise<number> {
  const start = process.hrtime.bigint()
  await new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', '0'], {stdio: 'ignore'})
    child.once('exit', resolve)
    child.once('error', reject)
  })
  return nsToMs(process.hrtime.bigint() - start)
}
