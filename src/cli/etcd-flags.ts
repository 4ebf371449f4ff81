// The etcd connection flags every etcd command shares, named and defaulted as flanneld's, each
// also read from its FLANNELD_* environment variable when not given on the command line.
import * as Flags from '@oclif/core/flags'

export const DEFAULT_ETCD_ENDPOINTS = 'http://127.0.0.1:4001,http://127.0.0.1:2379'
export const DEFAULT_ETCD_PREFIX = '/coreos.com/network'

export const etcdFlags = {
  'etcd-endpoints': Flags.string({description: 'Comma-separated etcd endpoints.', env: 'FLANNELD_ETCD_ENDPOINTS', default: DEFAULT_ETCD_ENDPOINTS, helpGroup: 'ETCD'}),
  'etcd-prefix': Flags.string({description: 'etcd prefix of the network config and leases.', env: 'FLANNELD_ETCD_PREFIX', default: DEFAULT_ETCD_PREFIX, helpGroup: 'ETCD'}),
  'etcd-cafile': Flags.string({description: 'CA certificate file to verify etcd (TLS).', env: 'FLANNELD_ETCD_CAFILE', helpGroup: 'ETCD'}),
  'etcd-certfile': Flags.string({description: 'Client certificate file for etcd (TLS).', env: 'FLANNELD_ETCD_CERTFILE', helpGroup: 'ETCD'}),
  'etcd-keyfile': Flags.string({description: 'Client key file for etcd (TLS).', env: 'FLANNELD_ETCD_KEYFILE', helpGroup: 'ETCD'}),
  'etcd-username': Flags.string({description: 'Username for etcd authentication.', env: 'FLANNELD_ETCD_USERNAME', helpGroup: 'ETCD'}),
  'etcd-password': Flags.string({description: 'Password for etcd authentication.', env: 'FLANNELD_ETCD_PASSWORD', helpGroup: 'ETCD'}),
}

export interface EtcdFlagValues {
  'etcd-endpoints': string
  'etcd-prefix': string
  'etcd-cafile'?: string
  'etcd-certfile'?: string
  'etcd-keyfile'?: string
  'etcd-username'?: string
  'etcd-password'?: string
}
