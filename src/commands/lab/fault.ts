import {defineCommand} from '../../cli/command-definition.js'
import type {FaultRecord} from '../../lab/lab-fault.js'

export default defineCommand({
  summary: 'Break a lab host on purpose (forward-blocked, ip-forward-off, encap-port-dropped, underlay-mtu, agent-stopped, route-removed, fdb-removed, duplicate-public-ip, stale-subnet-env), then watch `lab diagnose` find it.',
  description: 'Changes only the lab\'s own namespaces, etcd and files; `flanctl lab heal` undoes it. Prints the diagnose check that finds the fault.',
  examples: ['<%= config.bin %> <%= command.id %> h2 encap-port-dropped', '<%= config.bin %> <%= command.id %> h1 forward-blocked --name d1 --json'],
  args: {
    host: {description: 'h1, h2, ...', required: true},
    kind: {description: 'the fault kind', required: true},
  },
  flags: {name: {type: 'string', description: 'Lab name.', default: 'lab'}},
  async run({args, flags}): Promise<FaultRecord> {
    const {labFault} = await import('../../lab/lab-fault.js')
    return labFault({name: flags.name, host: args.host, kind: args.kind})
  },
  render: (r) => `${r.host}: ${r.kind} injected; \`flanctl lab diagnose ${r.host}\` should fail ${r.check}; undo with \`flanctl lab heal\``,
})
