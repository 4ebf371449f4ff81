'use strict'
// What etcd3's lib/connection-pool.js gets for require('@grpc/proto-loader') in the build
// (scripts/build.js): its one loadSync call, of etcd3's rpc.proto with etcd3's options, answered
// from the descriptor made at build time (etcd3-descriptor.js) instead of parsing the .proto
// (about 100 ms of CPU before the first etcd call). Any other call is an error: a new etcd3 that
// loads other files or uses other options needs a look.
const {grpcDefinition} = require('./grpc-definition.cjs')

/** The options of etcd3's loadSync call. */
const LOAD_OPTIONS = {keepCase: true, longs: String, enums: String, defaults: true, oneofs: true}

function loadSync(file, options) {
  const sameOptions = Object.keys(LOAD_OPTIONS).length === Object.keys(options).length && Object.entries(LOAD_OPTIONS).every(([key, value]) => options[key] === value)
  if (!/[\\/]proto[\\/]rpc\.proto$/.test(file) || !sameOptions) {
    throw new Error(`the bundled etcd3 asked proto-loader for ${file} with other options than the build prepared: see scripts/vendor/etcd3-descriptor.js`)
  }
  // made by the build: the descriptor as data
  return grpcDefinition(require('protobufjs/light'), require('flanctl:etcd3-descriptor'), options)
}

module.exports = {loadSync, LOAD_OPTIONS}
