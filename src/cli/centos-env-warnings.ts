// CentOS/RHEL's /etc/sysconfig/flanneld spells the variables FLANNEL_ETCD_ENDPOINTS and
// FLANNEL_ETCD_PREFIX (read by its start script), while flanctl, like flanneld itself, reads
// FLANNELD_ETCD_ENDPOINTS and FLANNELD_ETCD_PREFIX. Set in the environment, they are ignored.
import {flagSource} from './flag-source.js'

const SPELLINGS = [
  {centos: 'FLANNEL_ETCD_ENDPOINTS', flag: 'etcd-endpoints', env: 'FLANNELD_ETCD_ENDPOINTS'},
  {centos: 'FLANNEL_ETCD_PREFIX', flag: 'etcd-prefix', env: 'FLANNELD_ETCD_PREFIX'},
] as const

/** A warning for each FLANNEL_ETCD_* that is set while its FLANNELD_* spelling and flag are not. */
export function centosEnvWarnings(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  return SPELLINGS.filter((s) => (env[s.centos] ?? '') !== '' && flagSource(s.flag, argv, s.env).endsWith('(default)')).map(
    (s) => `${s.centos}=${env[s.centos]} is set, but flanctl reads ${s.env} (or --${s.flag}): ${s.centos} is ignored and the default is used; set ${s.env} instead`,
  )
}
