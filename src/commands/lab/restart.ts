import {defineCommand} from '../../cli/command-definition.js'
import {labNameFlag} from '../../cli/render-lab.js'
import type {LabRestartResult} from '../../lab/lab-restart.js'

export default defineCommand({
  summary: 'Restart one lab host\'s `flanctl up`, as an operator restarts flanneld: SIGTERM (lease and kernel state stay), start again, wait until it is ready.',
  description: 'The agent that runs is stopped by its PID, also one restarted by hand inside the host. Done when the new agent has written subnet.env again. After a `config set` that changes the backend, Network or SubnetLen, this is how a host takes the new config.',
  examples: ['<%= config.bin %> <%= command.id %> h2', '<%= config.bin %> <%= command.id %> h1 --name gw --json'],
  args: {host: {description: 'The host: h1, h2, ... (or its namespace name).', required: true}},
  flags: {
    name: {type: 'string', description: 'Lab name.', default: 'lab'},
  },
  async run({args, flags, warn}): Promise<LabRestartResult> {
    const {labRestart} = await import('../../lab/lab-restart.js')
    const result = await labRestart({name: flags.name, host: args.host})
    if (result.containerStale) warn(`${result.host} moved from ${result.previousSubnet} to ${result.subnet}: its container keeps its old address (as docker would until restarted with the new --bip); \`flanctl lab down${labNameFlag(result.name)}\` and \`lab up\` for a fresh one`)
    return result
  },
  render: (result) => [
    `${result.host}: ${result.previousPid === null ? 'no agent was running' : `stopped pid ${result.previousPid} (${result.stopped})`}; flanctl up runs as pid ${result.pid}, subnet ${result.subnet}, MTU ${result.mtu}`,
    `log: ${result.logFile}`,
    `next: flanctl lab status${labNameFlag(result.name)}`,
  ].join('\n'),
})
