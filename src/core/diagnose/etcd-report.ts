// The per-endpoint answer of etcd as diagnose judges it: the shape of the etcd adapter's
// EndpointReport (src/adapters/etcd/probe-endpoints.ts), restated here because core imports no adapter.
export interface EndpointReport {
  endpoint: string
  ok: boolean
  failedStage?: 'url' | 'dns' | 'tcp' | 'tls' | 'auth' | 'etcd'
  cause?: string
  hint?: string
  evidence: string[]
  version?: string
  memberId?: string
  leaderId?: string
  isLeader?: boolean
  raftTerm?: string
}
