// Layer 4 gathered: sysctls, the backend's kernel feature, the iptables variant and flannel
// rules left in the other variant. Read-only: files under /proc and /sys, `iptables --version`.
import {access, readFile} from 'node:fs/promises'
import {runCommand} from '../../adapters/netns/run-command.js'
import type {BackendDiagnosis} from '../../backends/backend-diagnosis.js'
import type {Gathered, HostPart, InterfacePart} from '../../core/diagnose/snapshot.js'

const read = (path: string): Promise<string | undefined> => readFile(path, 'utf8').then((t) => t.trim(), () => undefined)
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false)

export async function iptablesVersion(timeoutMs: number): Promise<Gathered<string>> {
  const r = await runCommand('iptables', ['--version'], {reject: false, timeoutMs}).catch((e: Error) => ({exitCode: 127, stdout: '', stderr: e.message}))
  return r.exitCode === 0 ? {ok: true, value: r.stdout.trim()} : {ok: false, reason: `iptables --version: ${r.stderr.trim() || `exit ${r.exitCode}`}`}
}

/** Flannel's rules in the variant not in use: iptables-legacy-save on an nf_tables host and the other way round. */
async function otherVariantRules(version: Gathered<string>, timeoutMs: number): Promise<string[]> {
  if (!version.ok) return []
  const other = version.value.includes('nf_tables') ? 'iptables-legacy-save' : 'iptables-nft-save'
  const r = await runCommand(other, [], {reject: false, timeoutMs}).catch(() => undefined)
  if (r === undefined || r.exitCode !== 0) return []
  return r.stdout.split('\n').filter((l) => l.startsWith('-A') && /FLANNEL-|flanneld/.test(l)).map((l) => `${other}: ${l}`)
}

export async function gatherHost(input: {external: Gathered<InterfacePart>; devices: readonly string[]; diagnosis?: BackendDiagnosis; deviceExists: boolean; iptablesVersion: Gathered<string>; timeoutMs: number}): Promise<HostPart> {
  const root = process.getuid?.() === 0
  const names = ['all', ...(input.external.ok ? [input.external.value.name] : []), ...input.devices]
  const version = input.iptablesVersion
  const [ipForward, bridgeNf, rpValues] = await Promise.all([
    read('/proc/sys/net/ipv4/ip_forward'),
    read('/proc/sys/net/bridge/bridge-nf-call-iptables'),
    Promise.all(names.map((n) => read(`/proc/sys/net/ipv4/conf/${n}/rp_filter`))),
  ])
  const rpFilter: Record<string, string> = {}
  names.forEach((n, i) => {
    if (rpValues[i] !== undefined) rpFilter[n] = rpValues[i]!
  })
  let kernelFeature: HostPart['kernelFeature']
  const feature = input.diagnosis?.kernelFeature
  if (feature !== undefined) {
    const found = input.deviceExists ? 'its device exists' : (await Promise.all(feature.paths.map(async (p) => ((await exists(p)) ? p : undefined)))).find((p) => p !== undefined)
    kernelFeature = {name: feature.name, present: found !== undefined, evidence: found === undefined ? `none of ${feature.paths.join(', ')} exists` : found === 'its device exists' ? found : `${found} exists`}
  }
  return {
    root,
    external: input.external,
    ipForward,
    rpFilter,
    bridgeNfCallIptables: bridgeNf,
    kernelFeature,
    iptablesVersion: version,
    otherVariantFlannelRules: root ? await otherVariantRules(version, input.timeoutMs) : [],
  }
}
