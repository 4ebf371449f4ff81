// The cluster as the endpoint reports show it: healthy, partly reachable, reachable but without
// a leader (quorum lost), or not reachable at all, with a one-line headline.
import type {EndpointReport} from './endpoint-report.js'

export interface ClusterVerdict {
  state: 'healthy' | 'no-leader' | 'unreachable' | 'partial'
  answering: number
  total: number
  leaderId?: string
  headline: string
}

function causes(reports: readonly EndpointReport[]): string {
  return reports.filter((r) => !r.ok).map((r) => `${r.endpoint}: ${r.cause ?? 'no answer'}`).join('; ')
}

export function judgeCluster(reports: readonly EndpointReport[]): ClusterVerdict {
  const total = reports.length
  const answering = reports.filter((r) => r.ok).length
  if (answering === 0) {
    return {state: 'unreachable', answering, total, headline: total === 1 ? causes(reports) : `no endpoint answers: ${causes(reports)}`}
  }
  const leaders = [...new Set(reports.filter((r) => r.ok && r.leaderId !== undefined).map((r) => r.leaderId!))]
  const members = `${answering} of ${total} ${total === 1 ? 'member answers' : 'members answer'}`
  if (leaders.length === 0) {
    return {state: 'no-leader', answering, total, headline: `the etcd cluster has no leader (quorum lost?): ${members}`}
  }
  const leaderId = leaders[0]
  if (answering === total) return {state: 'healthy', answering, total, leaderId, headline: `healthy: ${members}, leader ${leaderId}`}
  return {state: 'partial', answering, total, leaderId, headline: `${members} (leader ${leaderId}); ${causes(reports)}`}
}
