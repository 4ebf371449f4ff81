// Layers 1 and 2: the network config at <prefix>/config and etcd itself.
import {judgeCluster} from '../etcd-cluster-verdict.js'
import {verdict} from './check-result.js'
import type {Judges} from './judge.js'

export const CONFIG_SET_EXAMPLE = `flanctl config set '{"Network":"10.5.0.0/16","Backend":{"Type":"vxlan"}}'`

export const etcdJudges: Judges = {
  'etcd.reachable': ({etcd}) =>
    etcd.error === undefined
      ? verdict.pass([etcd.description])
      : verdict.fail([`${etcd.error.code}: ${etcd.error.message}`, etcd.description], 'Check that etcd runs and listens on these endpoints (--etcd-endpoints, FLANNELD_ETCD_ENDPOINTS); etcd often listens on 127.0.0.1 only: set its --listen-client-urls.'),
  'etcd.endpoints': ({etcd}) => {
    const reports = etcd.endpoints
    if (reports === undefined) return verdict.skip('endpoints not probed one by one')
    const evidence = reports.flatMap((r) => [`${r.endpoint}: ${r.ok ? `ok${r.version ? `, etcd ${r.version}` : ''}${r.isLeader ? ', leader' : ''}` : `${r.failedStage ?? 'failed'}: ${r.cause ?? 'no answer'}`}`, ...r.evidence.map((e) => `  ${e}`)])
    const bad = reports.filter((r) => !r.ok)
    const hints = [...new Set(bad.map((r) => r.hint).filter((h): h is string => h !== undefined))]
    if (bad.length === 0) return verdict.pass(evidence, `all ${reports.length} etcd endpoints answer`)
    const title = `${bad.length} of ${reports.length} etcd endpoints fail`
    return bad.length === reports.length ? verdict.fail(evidence, hints.join(' ') || undefined, title) : verdict.warn(evidence, hints.join(' ') || undefined, title)
  },
  'etcd.cluster': ({etcd}) => {
    if (etcd.endpoints === undefined || etcd.endpoints.length === 0) return verdict.skip('endpoints not probed one by one')
    const c = judgeCluster(etcd.endpoints)
    const evidence = [c.headline, `${c.answering} of ${c.total} endpoints answer${c.leaderId ? `, leader ${c.leaderId}` : ''}`]
    if (c.state === 'healthy') return verdict.pass(evidence)
    if (c.state === 'partial') return verdict.warn(evidence, 'Bring the members that do not answer back; the cluster keeps quorum only while most members answer.')
    return verdict.fail(evidence, c.state === 'no-leader' ? 'Quorum lost: start enough members for a majority (etcdctl endpoint status --cluster).' : undefined)
  },
}

export const configJudges: Judges = {
  'config.present': ({config, options}) => {
    if (config === undefined) return verdict.skip('config not read')
    if (config.text !== undefined) return verdict.pass([`${config.key}`])
    const evidence = [`no key ${config.key}`]
    for (const prefix of config.elsewhere) evidence.push(`a flannel config exists at ${prefix}/config`)
    if (config.v2Key !== undefined) evidence.push(`${config.v2Key} exists with the v2 API, which flannel's v3 client (and flanctl) cannot see`)
    const other = config.elsewhere[0]
    const fix = other !== undefined
      ? `flanctl diagnose --etcd-prefix ${other} (and start flanctl up with --etcd-prefix ${other} or FLANNELD_ETCD_PREFIX=${other}), or write one at ${options.prefix}: ${CONFIG_SET_EXAMPLE}`
      : config.v2Key !== undefined
        ? `Write it again with the v3 API: ${CONFIG_SET_EXAMPLE}`
        : CONFIG_SET_EXAMPLE
    return verdict.fail(evidence, fix)
  },
  'config.valid': ({config}) => {
    if (config?.text === undefined) return verdict.skip('no config')
    if (config.error !== undefined) return verdict.fail([config.error, `it reads: ${config.text.trim()}`], `Fix it with ${CONFIG_SET_EXAMPLE}`)
    const evidence = [`Network ${config.network}, SubnetLen ${config.subnetLen}, backend ${config.backendType}`, ...config.warnings.map((w) => `warning: ${w}`)]
    return config.warnings.length > 0 ? verdict.warn(evidence) : verdict.pass(evidence)
  },
  'config.runnable': ({config}) => {
    const parts = config?.unrunnable ?? []
    if (parts.length === 0) return verdict.pass([`backend ${config?.backendType}`])
    return verdict.fail(parts, 'Change the config with `flanctl config set` (e.g. "Backend": {"Type": "vxlan"}), or run flanneld on this host.')
  },
}
