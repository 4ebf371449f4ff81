// The agents that really run in the lab's hosts, not only the ones the state file remembers: an
// operator may have restarted `flanctl up` by hand (`lab exec h1 -- flanctl up ...`). A host's
// agent is a process inside its namespace whose command line runs `up` with that host's
// subnet file (what `lab down` checks before it signals, too).
import {netnsPids} from '../adapters/netns/namespaces.js'
import {processArgv} from '../adapters/netns/processes.js'
import type {LabHost, LabState} from './lab-state.js'
import {writeState} from './lab-state.js'
import {agentAlive} from './agents.js'

/** True for the argv of a `flanctl up` (bin/run.js or an installed flanctl) using this host's subnet file. */
function isHostAgent(argv: readonly string[], host: LabHost): boolean {
  const up = argv.indexOf('up')
  return up > 0 && argv.slice(0, up).some((arg) => /(^|\/)(run\.js|flanctl)$/.test(arg)) && argv.some((arg) => arg.includes(host.subnetFile))
}

/** The PID of the host's running agent: the recorded one if alive, else one found in its namespace. */
export async function liveAgentPid(host: LabHost): Promise<number | undefined> {
  if (agentAlive(host)) return host.pid
  for (const pid of await netnsPids(host.netns)) {
    const argv = processArgv(pid)
    if (argv !== undefined && isHostAgent(argv, host)) return pid
  }
  return undefined
}

/**
 * Brings the state's agent PIDs up to date with what runs (so that `lab down` and `lab restart`
 * signal the agent that runs now); returns the hosts whose agent was started outside the lab.
 */
export async function adoptLiveAgents(state: LabState): Promise<string[]> {
  const adopted: string[] = []
  for (const host of state.hosts) {
    if (host.agent !== 'flanctl') continue
    const pid = await liveAgentPid(host)
    if (pid !== undefined && pid !== host.pid) {
      host.pid = pid
      adopted.push(host.name)
    }
  }
  if (adopted.length > 0) writeState(state)
  return adopted
}
