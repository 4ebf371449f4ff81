// Layer 3: the leases in etcd and this host's own, against subnet.env.
import {verdict} from './check-result.js'
import {gathered, ownLease, type Judges} from './judge.js'
import type {DiagnoseSnapshot, LeaseFact, LeasePart} from './snapshot.js'

function leases(s: DiagnoseSnapshot): {value: LeasePart} | {reason: string} {
  return gathered(s.leases, 'leases')
}

const describe = (l: LeaseFact): string => `${l.subnet} ${l.publicIp} ${l.backendType}${l.reservation ? ' (reservation)' : l.ttlSeconds !== undefined ? ` (${Math.round(l.ttlSeconds / 60)} min left)` : ''} key ${l.key}`

function minutes(seconds: number): string {
  return seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`
}

export const leaseJudges: Judges = {
  'lease.own': (s) => {
    const l = leases(s)
    if ('reason' in l) return verdict.skip(l.reason)
    const own = l.value.ownKeys.map((k) => l.value.leases.find((x) => x.key === k)!).filter((x) => x !== undefined)
    if (own.length === 0) {
      return verdict.fail([`no lease has PublicIP ${l.value.publicIp} (${l.value.leases.length} leases in etcd)`], 'Start flanctl up on this host (it acquires a lease), or check --public-ip / --iface: the lease is found by this host\'s public IP.')
    }
    const evidence = own.map((x, i) => `${i === 0 ? 'in use' : 'also'}: ${describe(x)}`)
    if (own.length > 1) return verdict.warn(evidence, own.slice(1).map((x) => `flanctl lease release ${x.subnet}`).join('\n'))
    return verdict.pass(evidence, `this host holds ${own[0]!.subnet}`)
  },
  'lease.duplicates': (s) => {
    const l = leases(s)
    if ('reason' in l) return verdict.skip(l.reason)
    const byIp = new Map<string, LeaseFact[]>()
    for (const lease of l.value.leases) byIp.set(lease.publicIp, [...(byIp.get(lease.publicIp) ?? []), lease])
    const dups = [...byIp.entries()].filter(([, list]) => list.length > 1)
    if (dups.length === 0) return verdict.pass([`${l.value.leases.length} leases, ${byIp.size} public IPs`])
    const evidence = dups.flatMap(([ip, list]) => [`public IP ${ip} holds ${list.length} leases:`, ...list.map((x) => `  ${describe(x)}`)])
    evidence.push('two hosts with one public IP (or one host with two leases) steal each other\'s traffic: give each host its own address (--public-ip, --iface)')
    // ours: the lease subnet.env names is the one in use; the others with our address are stale
    const stale = (byIp.get(l.value.publicIp) ?? []).filter((x) => x.subnet !== s.subnetEnv.subnet)
    const fix = stale.length > 0 && stale.length < (byIp.get(l.value.publicIp) ?? []).length
      ? stale.map((x) => `flanctl lease release ${x.subnet}`).join('\n')
      : 'flanctl lease release SUBNET (the lease no host uses)'
    return verdict.fail(evidence, fix)
  },
  'lease.ranges': (s) => {
    const l = leases(s)
    if ('reason' in l) return verdict.skip(l.reason)
    const out = l.value.leases.filter((x) => !x.inRange)
    const evidence = [...out.map((x) => `outside the config's range: ${describe(x)}`), ...l.value.overlaps.map((o) => `overlapping: ${o}`), ...l.value.warnings.map((w) => `unreadable: ${w}`)]
    if (evidence.length === 0) return verdict.pass([`${l.value.leases.length} leases inside ${s.config?.network}`])
    return verdict[out.length + l.value.overlaps.length > 0 ? 'fail' : 'warn'](evidence, 'Release the leases that do not fit with `flanctl lease release SUBNET` (their hosts acquire new ones when restarted).')
  },
  'lease.backends': (s) => {
    const l = leases(s)
    if ('reason' in l) return verdict.skip(l.reason)
    const want = s.config?.backendType
    const other = l.value.leases.filter((x) => x.backendType !== want)
    if (other.length === 0) return verdict.pass([`all ${want}`])
    return verdict.warn(other.map((x) => `${describe(x)} (config says ${want})`), 'A backend switch is half done: restart flanctl up on those hosts so they publish the config\'s backend; hosts of different backends do not reach each other.')
  },
  'lease.renewal': (s) => {
    const l = leases(s)
    if ('reason' in l) return verdict.skip(l.reason)
    const margin = s.options.renewMarginMinutes * 60
    // a lease is renewed once it has less than the margin left; well below it, its host stopped renewing
    const late = l.value.leases.filter((x) => !x.reservation && x.ttlSeconds !== undefined && x.ttlSeconds < margin - 120)
    const own = l.value.leases.filter((x) => l.value.ownKeys.includes(x.key))
    const evidence = own.map((x) => `own lease ${x.subnet}: ${x.reservation ? 'reservation, never expires' : x.ttlSeconds === undefined ? 'time left unknown' : `${minutes(x.ttlSeconds)} left, renewed ${s.options.renewMarginMinutes} min before expiry`}`)
    if (late.length === 0) return verdict.pass(evidence)
    return verdict.warn([...evidence, ...late.map((x) => `not renewed: ${describe(x)}`)], 'Those hosts\' agents stopped renewing: check that flanctl up runs there and reaches etcd; a lease that expires frees its subnet.')
  },
  'lease.capacity': (s) => {
    const l = leases(s)
    if ('reason' in l) return verdict.skip(l.reason)
    const cap = s.config?.capacity ?? 0
    const used = l.value.leases.length
    const evidence = [`${used} of ${cap} subnets used`]
    if (cap > 0 && used >= cap) return verdict.fail(evidence, 'Out of subnets: widen Network or narrow SubnetLen with `flanctl config set`, or release unused leases.')
    if (cap > 0 && used >= cap * 0.9) return verdict.warn(evidence)
    return verdict.info(evidence)
  },
  'lease.subnet-env': (s) => {
    const l = leases(s)
    if ('reason' in l) return verdict.skip(l.reason)
    const env = s.subnetEnv
    const own = ownLease(s)
    if (env.text === undefined) return verdict.fail([`${env.path} does not exist`], `Start flanctl up (it writes ${env.path}); check --subnet-file (FLANNELD_SUBNET_FILE).`)
    if (env.error !== undefined) return verdict.fail([env.error], `Remove ${env.path} and restart flanctl up: it writes it again.`)
    const problems: string[] = []
    if (own !== undefined && env.subnet !== own.subnet) problems.push(`FLANNEL_SUBNET is ${env.subnet ?? 'missing'}, the lease is ${own.subnet}`)
    if (s.config?.network !== undefined && env.network !== s.config.network) problems.push(`FLANNEL_NETWORK is ${env.network ?? 'missing'}, the config says ${s.config.network}`)
    const wantMtu = s.dataplane?.ok ? s.dataplane.value.overlayMtu : undefined
    if (wantMtu !== undefined && env.mtu !== wantMtu) problems.push(`FLANNEL_MTU is ${env.mtu}, the backend gives ${wantMtu}`)
    if (env.ipMasq !== s.options.ipMasq) problems.push(`FLANNEL_IPMASQ is ${env.ipMasq}, --ip-masq is ${s.options.ipMasq}`)
    const evidence = [`${env.path}: FLANNEL_SUBNET ${env.subnet}, FLANNEL_NETWORK ${env.network}, FLANNEL_MTU ${env.mtu}, FLANNEL_IPMASQ ${env.ipMasq}`]
    if (problems.length === 0) return verdict.pass(evidence)
    return verdict.fail([...problems, ...evidence], `Restart flanctl up (it rewrites ${env.path}), then restart docker/the CNI so containers get the new values.`)
  },
}
