// Layer 6: the kernel against intent: the backend's device, each peer's entries (the backend's
// own desired state against its own observe()), stray entries, L2 adjacency, the MTU chain.
import {ip4NetContains, parseIp4, parseIp4Net} from '../ip4.js'
import {verdict} from './check-result.js'
import {gathered, ownLease, type Judges} from './judge.js'
import type {DataplanePart, DiagnoseSnapshot} from './snapshot.js'

function dataplane(s: DiagnoseSnapshot): {value: DataplanePart} | {reason: string} {
  return gathered(s.dataplane, 'kernel state')
}

const RESTART = 'restart flanctl up: it makes the device again as the lease wants it'

export const dataplaneJudges: Judges = {
  'dataplane.device': (s) => {
    const dp = dataplane(s)
    if ('reason' in dp) return verdict.skip(dp.reason)
    const device = dp.value.device
    if (device === undefined) return verdict.pass([`${dp.value.backendType}: no device of its own`])
    if (device.actual === undefined) return verdict.fail([`${device.name} does not exist`], RESTART)
    const wrong: string[] = []
    const fixes: string[] = []
    for (const [field, want] of Object.entries(device.expected)) {
      const have = device.actual[field]
      if (want === undefined || have === want) continue
      wrong.push(`${field} is ${have ?? 'unset'}, should be ${want}`)
      fixes.push(device.fieldFixes[field] ?? RESTART)
    }
    const facts = Object.entries(device.actual).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(', ')
    if (wrong.length === 0) return verdict.pass([`${device.name}: ${facts}`])
    return verdict.fail([...wrong.map((w) => `${device.name}: ${w}`), `${device.name}: ${facts}`], [...new Set(fixes)].join('; '))
  },
  'dataplane.peers': (s) => {
    const dp = dataplane(s)
    if ('reason' in dp) return verdict.skip(dp.reason)
    const {peers} = dp.value
    const evidence: string[] = []
    const commands: string[] = []
    let bad = 0
    for (const peer of peers) {
      const wrong = peer.entries.filter((e) => e.state !== 'ok')
      if (wrong.length === 0) continue
      bad++
      evidence.push(`peer ${peer.subnet} (${peer.publicIp}):`)
      for (const e of wrong) {
        evidence.push(`  ${e.state}: ${e.want}${e.have !== undefined ? ` (kernel has: ${e.have})` : ''}`)
        if (e.command !== undefined) commands.push(e.command)
      }
    }
    for (const w of dp.value.desiredWarnings) evidence.push(`skipped lease: ${w}`)
    const note = dp.value.peersNote === undefined ? [] : [dp.value.peersNote]
    if (bad === 0) return verdict.pass([`${peers.length} peers, ${peers.reduce((n, p) => n + p.entries.length, 0)} entries in place`, ...note], `every peer has its kernel entries (${peers.length} peers)`)
    evidence.push(...note)
    return verdict.fail(evidence, commands.join('\n'), `${bad} of ${peers.length} peers miss kernel entries`, 'peer-entries')
  },
  'dataplane.stray': (s) => {
    const dp = dataplane(s)
    if ('reason' in dp) return verdict.skip(dp.reason)
    if (dp.value.stray.length === 0) return verdict.pass([])
    return verdict.warn(dp.value.stray.map((e) => `no lease explains: ${e.entry}`), dp.value.stray.map((e) => e.command).join('\n'))
  },
  'dataplane.l2': (s) => {
    const dp = dataplane(s)
    if ('reason' in dp) return verdict.skip(dp.reason)
    if (!dp.value.needsL2) return verdict.pass([`${dp.value.backendType} does not need its peers on this L2 segment`])
    const off = dp.value.peers.filter((p) => !p.onLink)
    if (off.length === 0) return verdict.pass([`${dp.value.peers.length} peers on this host's connected subnets`])
    return verdict.fail(off.map((p) => `peer ${p.subnet}: public IP ${p.publicIp} is not on any connected subnet of this host`), 'host-gw needs every host on one L2 segment: use the vxlan backend (DirectRouting keeps direct routes where they work).')
  },
  'dataplane.mtu': (s) => {
    const dp = dataplane(s)
    if ('reason' in dp) return verdict.skip(dp.reason)
    const {underlayMtu, overhead, overlayMtu, device, bridges} = dp.value
    const ext = s.host.external.ok ? s.host.external.value : undefined
    const chain = [`underlay ${ext?.name ?? '?'} ${ext?.mtu ?? '?'}`, `backend assumes ${underlayMtu} - ${overhead} = ${overlayMtu}`]
    const breaks: string[] = []
    const fixes: string[] = []
    if (ext !== undefined && ext.mtu < underlayMtu) {
      breaks.push(`${ext.name} MTU ${ext.mtu} is below the ${underlayMtu} the overlay's MTU ${overlayMtu} assumes`)
      fixes.push(`ip link set ${ext.name} mtu ${underlayMtu}, or set Backend.MTU ${ext.mtu} and restart flanctl up`)
    }
    const devMtu = device?.actual?.mtu
    if (device !== undefined && typeof devMtu === 'number') {
      chain.push(`${device.name} ${devMtu}`)
      if (devMtu > overlayMtu) {
        breaks.push(`${device.name} MTU ${devMtu} is above ${overlayMtu}`)
        fixes.push(`ip link set ${device.name} mtu ${overlayMtu}`)
      }
    }
    const envMtu = s.subnetEnv.mtu
    if (envMtu !== undefined) {
      chain.push(`FLANNEL_MTU ${envMtu}`)
      if (envMtu > overlayMtu) {
        breaks.push(`FLANNEL_MTU ${envMtu} is above ${overlayMtu}`)
        fixes.push('restart flanctl up (it rewrites subnet.env), then docker/the CNI')
      }
    }
    for (const b of bridges) {
      chain.push(`${b.name} ${b.mtu}`)
      if (b.mtu > overlayMtu) {
        breaks.push(`${b.name} MTU ${b.mtu} is above ${overlayMtu}: containers send packets the overlay cannot carry`)
        fixes.push(`ip link set ${b.name} mtu ${overlayMtu} (and docker's --mtu=${overlayMtu}: flanctl docker-opts)`)
      }
    }
    if (breaks.length === 0) return verdict.pass([chain.join(' -> ')])
    return verdict.fail([`first break: ${breaks[0]}`, ...breaks.slice(1), chain.join(' -> ')], fixes[0])
  },
  'dataplane.bridge-address': (s) => {
    const dp = dataplane(s)
    if ('reason' in dp) return verdict.skip(dp.reason)
    // the lease is the truth; subnet.env is judged against it in lease.subnet-env
    const own = ownLease(s)?.subnet
    const subnet = own === undefined ? undefined : parseIp4Net(own)
    if (dp.value.bridges.length === 0) return verdict.info(['no container bridge (docker0, cni0) on this host'])
    if (subnet === undefined || !subnet.ok) return verdict.skip('no own lease')
    const evidence: string[] = []
    const wrong: string[] = []
    for (const b of dp.value.bridges) {
      evidence.push(`${b.name}: ${b.addresses.join(', ') || 'no address'}`)
      const inside = b.addresses.some((a) => {
        const ip = parseIp4(a.split('/')[0]!)
        return ip !== undefined && ip4NetContains(subnet.value, ip)
      })
      if (!inside && b.addresses.length > 0) wrong.push(`${b.name} has ${b.addresses.join(', ')}, outside this host's lease ${own}: docker (or the CNI) was not restarted after the subnet changed`)
    }
    if (wrong.length === 0) return verdict.pass(evidence)
    return verdict.fail([...wrong, ...evidence], 'flanctl docker-opts, then restart docker (it takes --bip from subnet.env)')
  },
}
