// Layer 4: the host: privileges, kernel features, sysctls, the external interface, iptables.
import {ip4NetContains, parseIp4, parseIp4Net} from '../ip4.js'
import {verdict} from './check-result.js'
import type {Judges} from './judge.js'

export const NOT_ROOT = 'needs root (run diagnose as root)'

export const hostJudges: Judges = {
  'host.privileges': ({host}) => (host.root ? verdict.pass(['uid 0']) : verdict.warn(['not root: the kernel checks (iptables, sysctls, probes) are skipped and the verdict is incomplete'], 'Run `sudo flanctl diagnose` for the full verdict.')),
  'host.interface': ({host, config}) => {
    const ext = host.external
    if (!ext.ok) return verdict.fail([ext.reason], 'Name the interface that reaches the other hosts with --iface (FLANNELD_IFACE), by name or IP.')
    const e = ext.value
    const evidence = [`${e.name} mtu ${e.mtu}, address ${e.ifaceAddr}, public IP ${e.publicIp}${e.ifaceAddr !== e.publicIp ? ' (--public-ip: behind NAT)' : ''}`]
    const network = config?.network === undefined ? undefined : parseIp4Net(config.network)
    const ip = parseIp4(e.publicIp)
    if (network?.ok && ip !== undefined && ip4NetContains(network.value, ip)) {
      return verdict.fail([...evidence, `public IP ${e.publicIp} lies inside the flannel Network ${config!.network}: the overlay would carry itself (an overlay device chosen by --iface-regex?)`], 'Choose the underlay interface with --iface NAME (or a narrower --iface-regex).')
    }
    return verdict.pass(evidence)
  },
  'host.kernel-features': ({host}) => {
    const f = host.kernelFeature
    if (f === undefined) return verdict.pass(['the backend needs no special kernel feature'])
    if (f.present) return verdict.pass([`${f.name}: ${f.evidence}`])
    return verdict.fail([`${f.name}: ${f.evidence}`], `Load the module (modprobe ${f.name}) or use a kernel built with it.`)
  },
  'host.ip-forward': ({host}) => {
    if (!host.root && host.ipForward === undefined) return verdict.skip(NOT_ROOT)
    if (host.ipForward === undefined) return verdict.skip('cannot read /proc/sys/net/ipv4/ip_forward')
    if (host.ipForward.trim() === '1') return verdict.pass(['net.ipv4.ip_forward = 1'])
    const evidence = [`net.ipv4.ip_forward = ${host.ipForward.trim()}: the host drops every packet it should forward to and from its containers`, 'to keep it over reboots: net.ipv4.ip_forward=1 in /etc/sysctl.d/']
    return {...verdict.fail(evidence, 'sysctl -w net.ipv4.ip_forward=1'), autoFix: 'ip-forward'}
  },
  'host.rp-filter': ({host}) => {
    const entries = Object.entries(host.rpFilter)
    if (entries.length === 0) return verdict.skip('cannot read rp_filter')
    const evidence = entries.map(([k, v]) => `${k} rp_filter = ${v}`)
    // the kernel uses the maximum of all and the device
    const all = Number(host.rpFilter.all ?? 0)
    const strict = entries.filter(([k, v]) => k !== 'all' && Math.max(all, Number(v)) === 1)
    if (strict.length === 0) return verdict.pass(evidence)
    return verdict.warn([...evidence, `strict reverse-path filtering on ${strict.map(([k]) => k).join(', ')}: asymmetric overlay paths are dropped`], `sysctl -w net.ipv4.conf.${strict[0]![0]}.rp_filter=2 (loose)`)
  },
  'host.bridge-nf': ({host}) => {
    if (host.bridgeNfCallIptables === undefined) return verdict.info(['br_netfilter not loaded: bridged container traffic bypasses iptables'])
    return verdict.info([`net.bridge.bridge-nf-call-iptables = ${host.bridgeNfCallIptables.trim()}`])
  },
  'host.iptables': ({host}) => {
    if (!host.iptablesVersion.ok) return verdict.fail([host.iptablesVersion.reason], 'Install iptables (flanctl keeps its forward and masquerade rules with it).')
    const evidence = [host.iptablesVersion.value]
    if (host.otherVariantFlannelRules.length > 0) {
      return verdict.warn([...evidence, 'flannel rules also in the other iptables variant (rules split between legacy and nf_tables):', ...host.otherVariantFlannelRules.map((r) => `  ${r}`)], 'Keep one variant: remove the flannel chains from the other one (update-alternatives --config iptables), then restart flanctl up.')
    }
    return verdict.pass(evidence)
  },
}
