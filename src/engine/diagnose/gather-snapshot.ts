// diagnose's gathering, read-only, with the agent's own steps: prepareHost (interface, public
// IP), the config decoder, the lease list and ownLeases, the backend's start/desired/observe,
// wantedRules. etcd, the host and the agent are read side by side; then the kernel state that
// needs the lease; then the probes. Nothing is changed (--fix is apply-fixes.ts).
import {readTextFile} from '../../adapters/files/atomic-file.js'
import type {Logger} from '../../adapters/log/logger.js'
import type {AgentBackend} from '../../backends/backend-module.js'
import {iproute2Platform} from '../../backends/platform.js'
import {findBackend} from '../../backends/registry.js'
import type {Op} from '../../core/dataplane-state.js'
import type {DataplanePart, DiagnoseSnapshot, Gathered, InterfacePart, SubnetEnvPart} from '../../core/diagnose/snapshot.js'
import type {InterfaceInfo} from '../../core/external-interface.js'
import {formatIp4, formatIp4Net} from '../../core/ip4.js'
import {decodeSubnetEnv, parseSubnetEnv} from '../../core/subnet-env.js'
import type {Ip4Net, Lease, NetworkConfig} from '../../core/types.js'
import {prepareHost} from '../prepare-host.js'
import type {DiagnoseInput} from './diagnose-input.js'
import {gatherAgent} from './gather-agent.js'
import {gatherDataplane} from './gather-dataplane.js'
import {gatherConfigAndLeases, leasePart, openStore, ownLeasesInUseFirst, probeEtcdEndpoints} from './gather-etcd.js'
import {gatherFirewall} from './gather-firewall.js'
import {gatherHost, iptablesVersion} from './gather-host.js'
import {gatherProbes} from './gather-probes.js'

const silent: Logger = {debug() {}, info() {}, warn() {}, error() {}}

/** What --fix needs besides the snapshot: the backend as started and the ops it would apply. */
export interface FixContext {
  backend?: AgentBackend
  missing: Op[]
  network?: Ip4Net
  ownSubnet?: Ip4Net
}

const settle = <T>(p: Promise<T>): Promise<Gathered<T>> => p.then((value) => ({ok: true as const, value}), (error: Error) => ({ok: false as const, reason: error.message}))

async function readSubnetEnvPart(path: string): Promise<SubnetEnvPart> {
  let text: string | undefined
  try {
    text = await readTextFile(path)
  } catch (error) {
    return {path, error: `cannot read ${path}: ${(error as Error).message}`}
  }
  const part: SubnetEnvPart = {path, text}
  if (text === undefined) return part
  const vars = parseSubnetEnv(text, path)
  const env = vars.ok ? decodeSubnetEnv(vars.value, path) : vars
  if (!env.ok) return {...part, error: env.error.message}
  return {...part, network: env.value.network && formatIp4Net(env.value.network), subnet: env.value.subnet && formatIp4Net(env.value.subnet), mtu: env.value.mtu, ipMasq: env.value.ipMasq}
}

export async function gatherSnapshot(input: DiagnoseInput, now: () => number): Promise<{snapshot: DiagnoseSnapshot; fix: FixContext}> {
  const ip = await import('../../adapters/iproute2/interfaces.js')
  let interfaces: InterfaceInfo[] = []
  const hostDeps = {
    listInterfaces: async () => (interfaces = await ip.listInterfaces()),
    defaultRouteInterface: () => ip.defaultRouteInterface(),
    readFile: (path: string) => readTextFile(path).catch(() => undefined),
    log: silent,
  }
  const [prepared, opened, subnetEnv, agent, version, endpoints] = await Promise.all([
    settle(prepareHost(input.agent, hostDeps)),
    openStore(input),
    readSubnetEnvPart(input.agent.subnetFile),
    settle(gatherAgent({healthzIp: input.healthzIp, healthzPort: input.healthzPort, timeoutMs: input.timeoutMs})),
    iptablesVersion(input.timeoutMs),
    probeEtcdEndpoints(input),
  ])
  const {store} = opened
  const etcd = {...opened.etcd, endpoints}
  try {
    const read = store === undefined ? undefined : await gatherConfigAndLeases(store, input)
    const external = prepared.ok ? prepared.value.external : undefined
    const externalPart: Gathered<InterfacePart> = external === undefined
      ? {ok: false, reason: prepared.ok ? 'no interface' : prepared.reason}
      : {ok: true, value: {name: external.name, mtu: external.mtu, ifaceAddr: formatIp4(external.ifaceAddr), publicIp: formatIp4(external.publicIp), onLinkSubnets: external.onLinkSubnets.map(formatIp4Net)}}
    const cfg: NetworkConfig | undefined = read?.decoded
    const list = read?.list
    const leases = cfg !== undefined && list !== undefined && external !== undefined
      ? (list.ok ? {ok: true as const, value: leasePart(list.value, cfg, external.publicIp, subnetEnv.subnet)} : list)
      : undefined
    const own: Lease | undefined = list?.ok && external !== undefined ? ownLeasesInUseFirst(list.value, external.publicIp, subnetEnv.subnet)[0] : undefined
    const module = cfg === undefined ? undefined : findBackend(cfg.backend.type)

    const fix: FixContext = {missing: [], network: cfg?.network, ownSubnet: own?.subnet}
    let dataplane: Gathered<DataplanePart> | undefined
    if (cfg !== undefined && external !== undefined && own !== undefined && list?.ok) {
      // only a module with a diagnosis promises that start() merely reads, or inspects instead (udp)
      if (module?.start === undefined || module.diagnosis === undefined) dataplane = {ok: false, reason: `backend ${cfg.backend.type}: diagnose cannot inspect its kernel state yet (the module has no diagnosis)`}
      else {
        const gathered = await settle(gatherDataplane({config: cfg, external, interfaces, leases: list.value.leases, ownLease: own, platform: iproute2Platform(), peer: input.peer}))
        dataplane = gathered.ok ? {ok: true, value: gathered.value.part} : gathered
        if (gathered.ok) Object.assign(fix, {backend: gathered.value.backend, missing: gathered.value.missing})
      }
    }
    const dp = dataplane?.ok ? dataplane.value : undefined
    const root = process.getuid?.() === 0
    const [host, firewall, probes] = await Promise.all([
      gatherHost({external: externalPart, devices: dp?.device ? [dp.device.name] : [], diagnosis: module?.diagnosis, deviceExists: dp?.device?.actual !== undefined, iptablesVersion: version, timeoutMs: input.timeoutMs}),
      // a missing or broken iptables is a finding (host.iptables), not a crash
      gatherFirewall({network: cfg?.network, subnet: own?.subnet, timeoutMs: input.timeoutMs, iptablesVersion: version.ok ? version.value : undefined}).catch((error: Error): Gathered<never> => ({ok: false, reason: error.message})),
      dp !== undefined && input.probe && root ? settle(gatherProbes(dp.peers.filter((p) => p.publicIp !== formatIp4(external!.publicIp)), subnetEnv.mtu ?? dp.overlayMtu, input.timeoutMs)) : Promise.resolve(undefined),
    ])
    const snapshot: DiagnoseSnapshot = {
      now: now(),
      options: {
        prefix: input.store.prefix,
        endpoints: input.store.endpoints,
        subnetFile: input.agent.subnetFile,
        ipMasq: input.agent.ipMasq,
        forwardRules: input.agent.iptablesForwardRules,
        renewMarginMinutes: input.agent.renewMarginMinutes,
        healthzIp: input.healthzIp,
        healthzPort: input.healthzPort,
        peer: input.peer,
        probe: input.probe,
      },
      etcd,
      config: read?.config,
      leases,
      subnetEnv,
      host,
      firewall,
      dataplane,
      probes,
      agent,
    }
    return {snapshot, fix}
  } finally {
    await store?.close().catch(() => undefined)
  }
}
