'use strict'
// Run time half of scripts/vendor/etcd3-descriptor.js, bundled with etcd3 (scripts/build.js) in
// place of proto-loader's loadSync: a grpc package definition from a protobufjs Root JSON, with
// proto-loader's (de)serializers. Only what grpc-js's client needs is built: proto-loader also
// encodes a DescriptorProto for every message type (for server reflection), which costs more
// than all the rest and which no client reads.

/**
 * @param {typeof import('protobufjs/light')} protobuf
 * @param {{root: object, serviceTypes: Record<string, string[]>, services: Record<string, Record<string, {path: string, requestStream: boolean, responseStream: boolean, originalName: string, options: object, requestType: string, responseType: string}>>}} descriptor
 * @param {object} options proto-loader's conversion options (longs, enums, defaults, oneofs)
 */
function grpcDefinition(protobuf, descriptor, options) {
  const definition = {}
  for (const [serviceName, methods] of Object.entries(descriptor.services)) {
    // made at the service's first message, of the types it uses only: a command uses two or
    // three of etcd's services, and making the reflection of all of rpc.proto took longer
    let root
    const lazyType = (name) => () => (root ??= protobuf.Root.fromJSON(typesOnly(descriptor.root, descriptor.serviceTypes[serviceName]))).lookupType(name)
    const service = (definition[serviceName] = {})
    for (const [name, method] of Object.entries(methods)) {
      const request = lazyType(method.requestType)
      const response = lazyType(method.responseType)
      service[name] = {
        path: method.path,
        requestStream: method.requestStream,
        responseStream: method.responseStream,
        requestSerialize: serializer(request),
        requestDeserialize: deserializer(request, options),
        responseSerialize: serializer(response),
        responseDeserialize: deserializer(response, options),
        originalName: method.originalName,
        options: method.options,
      }
    }
  }
  return definition
}

/** The Root JSON with only the named types (full names; each kept whole, with its nested types) and the namespaces around them. */
function typesOnly(rootJson, names) {
  const out = {...rootJson, nested: {}}
  for (const name of names) {
    let from = rootJson
    let to = out
    for (const part of name.split('.')) {
      const node = from.nested[part]
      if ('fields' in node || 'values' in node) {
        to.nested[part] = node
        break
      }
      to = to.nested[part] ??= {...node, nested: {}}
      from = node
    }
  }
  return out
}

// the same as proto-loader's createSerializer / createDeserializer
// (the type is looked up at the first message)
function serializer(lazyType) {
  let type
  return function serialize(arg) {
    type ??= lazyType()
    if (Array.isArray(arg)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`)
    return type.encode(type.fromObject(arg)).finish()
  }
}

function deserializer(lazyType, options) {
  let type
  return function deserialize(buffer) {
    type ??= lazyType()
    return type.toObject(type.decode(buffer), options)
  }
}

module.exports = {grpcDefinition}
