// etcd3 at run time. Import etcd3's types from 'etcd3' as usual; take its values from here only,
// so that every class (errors included) comes from one copy. The build bundles etcd3 with grpc
// and protobufjs into one chunk, without its import-time parse of rpc.proto (scripts/build.js).
import * as etcd3 from 'etcd3'

export {etcd3}
