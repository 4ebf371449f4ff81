// etcdctl against the lab's etcd, run in the switch namespace: what any flannel host's admin
// would type. The reference reads and writes leases through it, never through flanctl's client.
import {runInNetns, type CommandOutput} from '../adapters/netns/run-command.js'
import type {LabState} from './lab-state.js'
import {switchNetns} from './topology.js'

const ETCDCTL_BINARY = '/usr/bin/etcdctl'

/** etcdctl against the given endpoints (a subset of members while one is starting). */
export async function etcdctlAt(labName: string, endpoints: string, args: readonly string[], options: {input?: string; reject?: boolean} = {}): Promise<CommandOutput> {
  return runInNetns(switchNetns(labName), ETCDCTL_BINARY, [`--endpoints=${endpoints}`, '--dial-timeout=2s', ...args], {
    ...options,
    env: {ETCDCTL_API: '3'},
    timeoutMs: 20_000,
  })
}

/** etcdctl against the lab's etcd (all members' endpoints), run in the switch namespace. */
export async function etcdctl(state: LabState, args: readonly string[], options: {input?: string; reject?: boolean} = {}): Promise<CommandOutput> {
  return etcdctlAt(state.name, state.etcdEndpoints.join(','), args, options)
}

interface EtcdKeyValue {
  key: string
  value: string
  /** etcd lease id in hex as etcdctl prints it, undefined for a key without a lease */
  leaseHex?: string
}

/** Every key under `prefix`, decoded from `etcdctl get -w json`. */
export async function etcdGetPrefix(state: LabState, prefix: string): Promise<EtcdKeyValue[]> {
  const {stdout} = await etcdctl(state, ['get', '--prefix', prefix, '-w', 'json'])
  // lease ids are int64: quote them before JSON.parse rounds them to a double
  const parsed = JSON.parse(stdout.replace(/"lease":(\d+)/g, '"lease":"$1"')) as {kvs?: Array<{key: string; value?: string; lease?: number | string}>}
  return (parsed.kvs ?? []).map((kv) => {
    const lease = kv.lease === undefined ? 0n : BigInt(kv.lease)
    return {
      key: Buffer.from(kv.key, 'base64').toString('utf8'),
      value: Buffer.from(kv.value ?? '', 'base64').toString('utf8'),
      leaseHex: lease === 0n ? undefined : lease.toString(16),
    }
  })
}

/** `etcdctl lease grant <ttl>` -> the lease id in hex. */
export async function etcdGrantLease(state: LabState, ttlSeconds: number): Promise<string> {
  const {stdout} = await etcdctl(state, ['lease', 'grant', String(ttlSeconds)])
  const match = /lease ([0-9a-f]+) granted/.exec(stdout)
  if (!match?.[1]) throw new Error(`etcdctl lease grant printed no lease id: ${stdout}`)
  return match[1]
}
