// The etcd connection flags every etcd command shares, named and defaulted as flanneld's, each
// also read from its FLANNELD_* environment variable when not given on the command line.
import {DEFAULT_PREFIX} from '../core/subnet-key.js'
import type {FlagTable, FlagValues} from './flag-spec.js'

export const DEFAULT_ETCD_ENDPOINTS = 'http://127.0.0.1:4001,http://127.0.0.1:2379'

export const etcdFlags = {
  'etcd-endpoints': {type: 'string', description: 'Comma-separated etcd endpoints.', env: 'FLANNELD_ETCD_ENDPOINTS', default: DEFAULT_ETCD_ENDPOINTS, helpGroup: 'ETCD'},
  'etcd-prefix': {type: 'string', description: 'etcd prefix of the network config and leases.', env: 'FLANNELD_ETCD_PREFIX', default: DEFAULT_PREFIX, helpGroup: 'ETCD'},
  'etcd-cafile': {type: 'string', description: 'CA certificate file to verify etcd (TLS).', env: 'FLANNELD_ETCD_CAFILE', helpGroup: 'ETCD'},
  'etcd-certfile': {type: 'string', description: 'Client certificate file for etcd (TLS).', env: 'FLANNELD_ETCD_CERTFILE', helpGroup: 'ETCD'},
  'etcd-keyfile': {type: 'string', description: 'Client key file for etcd (TLS).', env: 'FLANNELD_ETCD_KEYFILE', helpGroup: 'ETCD'},
  'etcd-username': {type: 'string', description: 'Username for etcd authentication.', env: 'FLANNELD_ETCD_USERNAME', helpGroup: 'ETCD'},
  'etcd-password': {type: 'string', description: 'Password for etcd authentication.', env: 'FLANNELD_ETCD_PASSWORD', helpGroup: 'ETCD'},
} as const satisfies FlagTable

export type EtcdFlagValues = FlagValues<typeof etcdFlags>
