// Where a missing <prefix>/config may be instead: written with etcd's v2 API (`etcdctl mk/set`
// with ETCDCTL_API=2, as old tutorials do), which the v3 API flanctl uses cannot see; or a v3 key
// ending in /config under another prefix (/atomic.io/network vs /coreos.com/network). The etcd
// adapter asks over etcd's HTTP gateway. Effects: net, tls, etcd.
export {findConfigElsewhere, type ConfigElsewhere, type FindConfigOptions} from '../adapters/etcd/gateway-config.js'
