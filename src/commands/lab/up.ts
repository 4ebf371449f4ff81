import {defineCommand} from '../../cli/command-definition.js'
import type {LabUpResult} from '../../lab/lab-view.js'
import {renderLabUp} from '../../cli/render-lab.js'
import {RUNNABLE_BACKEND_TYPES} from '../../backends/registry.js'
import {DEFAULT_NETWORK, DEFAULT_SUBNET_LEN, DEFAULT_UNDERLAY, ETCD_PREFIX, LAB_AGENT_KINDS, MAX_HOSTS, type LabAgentKind, type LabBackend} from '../../lab/topology.js'

export default defineCommand({
  summary: 'Start a local multi-host flannel network: hosts as network namespaces on a bridge, a private etcd, `flanctl up` in each host, a container behind each, then a ping matrix.',
  description: 'Needs root. Underlay 203.0.113.0/24 unless --underlay says otherwise: etcd at its .1:2379 inside the lab\'s switch namespace, hosts at .11, .12, ...; overlay 198.18.0.0/16. Before creating anything, it refuses an underlay that overlaps an address or route of the root namespace (exit 8; read only, never changed). Nothing is created in the root namespace; `flanctl lab down` removes it all, also after a crash. Exits 10 when a container cannot reach another.',
  examples: [
    '<%= config.bin %> <%= command.id %> --hosts 3 --backend vxlan',
    '<%= config.bin %> <%= command.id %> --hosts 2 --backend host-gw --name gw',
    '<%= config.bin %> <%= command.id %> --hosts 3 --agent manual --json',
    '<%= config.bin %> <%= command.id %> --hosts 4 --underlay 198.51.100.0/24',
    '<%= config.bin %> <%= command.id %> --hosts 2 --network 198.18.64.0/18 --subnet-len 26 --etcd-prefix /atomic.io/network --name p1',
  ],
  flags: {
    hosts: {type: 'integer', description: 'Number of hosts.', default: 3, min: 1, max: MAX_HOSTS},
    backend: {type: 'option', description: 'Backend Type written to the network config.', options: [...RUNNABLE_BACKEND_TYPES], default: 'vxlan'},
    name: {type: 'string', description: 'Lab name (namespaces are named flab-<name>-...).', default: 'lab'},
    agent: {type: 'option', description: 'What programs each host: `flanctl up`, or ip commands the way flanneld would (a reference).', options: [...LAB_AGENT_KINDS], default: 'flanctl'},
    underlay: {type: 'string', description: 'IPv4 range of the hosts and the switch (etcd at .1, hosts from .11); must not overlap the root namespace\'s addresses or routes.', default: DEFAULT_UNDERLAY},
    network: {type: 'string', description: 'The overlay Network written to the config.', default: DEFAULT_NETWORK},
    'subnet-len': {type: 'integer', description: 'SubnetLen written to the config.', default: DEFAULT_SUBNET_LEN, min: 8, max: 30},
    'etcd-prefix': {type: 'string', description: 'etcd prefix of the config and leases (every agent gets it).', default: ETCD_PREFIX},
    'etcd-members': {type: 'integer', description: 'etcd cluster size (1 or 3).', options: ['1', '3'], default: 1},
    ping: {type: 'boolean', description: 'Ping every container from every other at the end.', default: true, allowNo: true},
  },
  async run({flags, warn}): Promise<LabUpResult> {
    const {labUp} = await import('../../lab/lab-up.js')
    const result = await labUp({
      name: flags.name,
      hosts: flags.hosts,
      backend: flags.backend as LabBackend,
      agent: flags.agent as LabAgentKind,
      etcdMembers: flags['etcd-members'] === 3 ? 3 : 1,
      underlay: flags.underlay,
      network: flags.network,
      subnetLen: flags['subnet-len'],
      etcdPrefix: flags['etcd-prefix'],
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
  render: (result, {paint}) => renderLabUp(result, paint),
})
