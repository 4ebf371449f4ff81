// etcd3's lib/connection-pool.js parses etcd3/proto/rpc.proto with @grpc/proto-loader's loadSync
// every time it is imported (about 100 ms of CPU before the first etcd call). This computes the
// same thing once, at build time, as plain data: the protobufjs Root as JSON and, per grpc
// method, what proto-loader's definition says about it. scripts/vendor/grpc-definition.cjs turns
// that back into the package definition at run time, in place of proto-loader's loadSync
// (proto-loader-for-etcd3.cjs; test/adapters/etcd/grpc-definition.test.ts checks the two agree).
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

const require = createRequire(import.meta.url)

/** etcd3's package directory. */
export const etcd3Dir = dirname(require.resolve('etcd3/package.json'))

/** Resolves modules exactly as etcd3's connection-pool.js does (its own proto-loader and protobufjs). */
export const etcd3Require = createRequire(join(etcd3Dir, 'lib', 'connection-pool.js'))

/** The options of etcd3's loadSync call. */
export const {LOAD_OPTIONS} = require('./proto-loader-for-etcd3.cjs')

/** The protobufjs that etcd3's proto-loader uses. */
export function etcd3Protobuf() {
  return createRequire(etcd3Require.resolve('@grpc/proto-loader'))('protobufjs')
}

/** The proto-loader package definition, as etcd3 computes it at import time. */
export function loadSyncDefinition() {
  return etcd3Require('@grpc/proto-loader').loadSync(join(etcd3Dir, 'proto', 'rpc.proto'), LOAD_OPTIONS)
}

/**
 * serviceTypes: per service, the types its messages use (grpc-definition.cjs builds only those)
 * @returns {{root: object, serviceTypes: Record<string, string[]>, services: Record<string, Record<string, {path: string, requestStream: boolean, responseStream: boolean, originalName: string, options: object, requestType: string, responseType: string}>>}}
 */
export function etcd3Descriptor() {
  const protobuf = etcd3Protobuf()
  // what proto-loader's loadProtosWithOptionsSync does (no includeDirs)
  const root = new protobuf.Root().loadSync(join(etcd3Dir, 'proto', 'rpc.proto'), {keepCase: LOAD_OPTIONS.keepCase})
  root.resolveAll()
  const definition = loadSyncDefinition()
  const services = {}
  const serviceTypes = {}
  for (const [name, entry] of Object.entries(definition)) {
    if (typeof entry.format === 'string') continue // a message or enum type, not a service
    const service = root.lookupService(name)
    services[name] = {}
    serviceTypes[name] = typesOf(Object.values(service.methods).flatMap((m) => [m.resolvedRequestType, m.resolvedResponseType]))
    for (const [methodName, method] of Object.entries(entry)) {
      const reflected = service.methods[methodName]
      services[name][methodName] = {
        path: method.path,
        requestStream: method.requestStream,
        responseStream: method.responseStream,
        originalName: method.originalName,
        options: method.options,
        requestType: reflected.resolvedRequestType.fullName.replace(/^\./, ''),
        responseType: reflected.resolvedResponseType.fullName.replace(/^\./, ''),
      }
    }
  }
  return {root: root.toJSON(), services, serviceTypes}
}

/** The full names of these types and of every type their fields use, transitively. */
function typesOf(types) {
  const names = new Set()
  const visit = (type) => {
    const name = type.fullName.replace(/^\./, '')
    if (names.has(name)) return
    names.add(name)
    for (const field of type.fieldsArray ?? []) {
      field.resolve()
      if (field.resolvedType) visit(field.resolvedType)
    }
  }
  for (const type of types) visit(type)
  return [...names].sort()
}
