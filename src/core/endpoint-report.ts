// What probing one etcd endpoint found, stage by stage (url, dns, tcp, tls, auth, etcd): the
// first stage that failed and why in one line, or the member's status. Filled in by
// adapters/etcd/probe-endpoints.ts, judged by core/etcd-cluster-verdict.ts.
export type EndpointStage = 'url' | 'dns' | 'tcp' | 'tls' | 'auth' | 'etcd'

export interface EndpointReport {
  /** as given */
  endpoint: string
  /** answered status as a member */
  ok: boolean
  /** the first stage that failed */
  failedStage?: EndpointStage
  /** one line: "connection refused", "no answer within 2 s", "server certificate expired on 2026-11-30", ... */
  cause?: string
  /** what to check, e.g. the localhost-only hint for a refused remote endpoint */
  hint?: string
  /** lines a human reads: resolved address, certificate subject and validity, version, ... */
  evidence: string[]
  version?: string
  memberId?: string
  /** the leader this member knows; absent when it knows none */
  leaderId?: string
  isLeader?: boolean
  raftTerm?: string
}
