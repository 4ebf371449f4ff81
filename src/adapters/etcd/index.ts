// The etcd adapter's public face. Import it lazily (`await import(...)`): it loads etcd3 and grpc.
export {EtcdLeaseStore, openEtcdStore} from './etcd-lease-store.js'
export type {EtcdStoreOptions} from './etcd-options.js'
export {classifyEtcdError, etcdFailure, type EtcdCause, type EtcdCauseKind} from './etcd-errors.js'
