// When connecting fails, each endpoint is probed on its own (probe-endpoints.ts) so that the
// error names every endpoint's own cause ("connection refused" for one, "no answer within 2 s"
// for another), the real TLS fault as the headline, or a cluster without a leader, instead of
// one cause for all. When the probe finds nothing wrong, the original error stands.
import {judgeCluster} from '../../core/etcd-cluster-verdict.js'
import {FlanctlError} from '../../core/errors.js'
import type {EndpointReport} from '../../core/endpoint-report.js'
import type {EtcdStoreOptions} from './etcd-options.js'
import {probeEndpoints} from './probe-endpoints.js'

/** the probe's bound per endpoint: added to the failed connect's own wait */
const PROBE_TIMEOUT_MS = 2000

const NO_LEADER_HINT = 'etcd needs a majority of its members up to elect a leader: start the members that are down, then check with `etcdctl endpoint status --cluster`.'

function hintOf(reports: EndpointReport[]): string | undefined {
  const hints = [...new Set(reports.filter((r) => !r.ok && r.hint !== undefined).map((r) => r.hint!))]
  return hints.length === 0 ? undefined : hints.join(' ')
}

function action(error: FlanctlError): string {
  const at = error.message.lastIndexOf(' while ')
  return at === -1 ? '' : error.message.slice(at)
}

export async function explainConnectFailure(error: unknown, options: EtcdStoreOptions, endpoints: readonly string[]): Promise<unknown> {
  if (!(error instanceof FlanctlError) || (error.code !== 'E_ETCD_UNREACHABLE' && error.code !== 'E_ETCD_ACCESS')) return error
  let reports: EndpointReport[]
  try {
    const tls = {caFile: options.caFile, certFile: options.certFile, keyFile: options.keyFile}
    const auth = options.username ? {username: options.username, password: options.password ?? ''} : undefined
    reports = await probeEndpoints({endpoints: [...endpoints], tls, auth, timeoutMs: Math.min(PROBE_TIMEOUT_MS, options.dialTimeoutMs ?? PROBE_TIMEOUT_MS)})
  } catch {
    return error
  }
  const verdict = judgeCluster(reports)
  const list = endpoints.join(', ')
  if (verdict.state === 'no-leader') {
    return new FlanctlError('E_ETCD_UNREACHABLE', `etcd ${list}: ${verdict.headline}${action(error)}`, {hint: NO_LEADER_HINT, cause: error})
  }
  const failed = reports.filter((r) => !r.ok)
  if (failed.length === 0) return error
  const inSettings = failed.some((r) => r.failedStage === 'tls' || r.failedStage === 'auth')
  const causes = failed.map((r) => `${r.endpoint}: ${r.cause}`).join('; ')
  const answering = verdict.answering > 0 ? ` (${verdict.answering} of ${verdict.total} answer)` : ''
  return new FlanctlError(inSettings ? 'E_ETCD_ACCESS' : error.code, `etcd ${causes}${answering}${action(error)}`, {hint: hintOf(reports) ?? error.hint, cause: error})
}
