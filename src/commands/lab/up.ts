import {defineCommand} from '../../cli/command-definition.js'
import type {LabUpResult} from '../../engine/lab/lab-view.js'
import {renderLabUp} from '../../engine/lab/render-lab.js'

export default defineCommand({
  summary: 'Start a local multi-host flannel network: hosts as network namespaces on a bridge, a private etcd, `flanctl up` in each host, a container behind each, then a ping matrix.',
  description: 'Needs root. Underlay 192.0.2.0/24 (hosts 192.0.2.11..), etcd at 192.0.2.1:2379 inside the lab\'s switch namespace, overlay 198.18.0.0/16. Nothing is created in the root namespace; `flanctl lab down` removes it all, also after a crash. Exits 10 when a container cannot reach another.',
  examples: [
    '<%= config.bin %> <%= command.id %> --hosts 3 --backend vxlan',
    '<%= config.bin %> <%= command.id %> --hosts 2 --backend host-gw --name gw',
    '<%= config.bin %> <%= command.id %> --hosts 3 --agent manual --json',
  ],
  flags: {
    hosts: {type: 'integer', description: 'Number of hosts.', default: 3, min: 1, max: 80},
    backend: {type: 'option', description: 'Backend Type written to the network config.', options: ['vxlan', 'host-gw'], default: 'vxlan'},
    name: {type: 'string', description: 'Lab name (namespaces are named flab-<name>-...).', default: 'lab'},
    agent: {type: 'option', description: 'What programs each host: `flanctl up`, or ip commands the way flanneld would (a reference).', options: ['flanctl', 'manual'], default: 'flanctl'},
    'etcd-members': {type: 'integer', description: 'etcd cluster size (1 or 3).', options: ['1', '3'], default: 1},
    ping: {type: 'boolean', description: 'Ping every container from every other at the end.', default: true, allowNo: true},
  },
  async run({flags, warn}): Promise<LabUpResult> {
    const {labUp} = await import('../../engine/lab/lab-up.js')
    const result = await labUp({
      name: flags.name,
      hosts: flags.hosts,
      backend: flags.backend as 'vxlan' | 'host-gw',
      agent: flags.agent as 'flanctl' | 'manual',
      etcdMembers: flags['etcd-members'] === 3 ? 3 : 1,
      ping: flags.ping,
      log: (line) => process.stderr.write(`lab: ${line}\n`),
    })
    if (!result.converged) warn(`routes still missing after 20 s: ${result.missingRoutes.join('; ')}`)
    if (result.matrix && result.matrix.okCount < result.matrix.total) {
      warn(`${result.matrix.total - result.matrix.okCount} of ${result.matrix.total} container pairs did not answer; agent logs are in ${result.dir}/h*/agent.log`)
      process.exitCode = 10
    }
    return result
  },
  render: (result) => renderLabUp(result),
})
