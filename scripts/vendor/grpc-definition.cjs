'use strict'
// Run time half of scripts/vendor/etcd3-descriptor.js, bundled into dist/vendor/etcd3.cjs in
// place of proto-loader's loadSync: a grpc package definition from a protobufjs Root JSON, with
// proto-loader's (de)serializers. Only what grpc-js's client needs is built: proto-loader also
// encodes a DescriptorProto for every message type (for server reflection), which costs more
// than all the rest and which no client reads.

/**
 * @param {typeof import('protobufjs/light')} protobuf
 * @param {{root: object, services: Record<string, Record<string, {path: string, requestStream: boolean, responseStream: boolean, originalName: string, options: object, requestType: string, responseType: string}>>}} descriptor
 * @param {object} options proto-loader's conversion options (longs, enums, defaults, oneofs)
 */
function grpcDefinition(protobuf, descriptor, options) {
  const root = protobuf.Root.fromJSON(descriptor.root)
  root.resolveAll()
  const definition = {}
  for (const [serviceName, methods] of Object.entries(descriptor.services)) {
    const service = (definition[serviceName] = {})
    for (const [name, method] of Object.entries(methods)) {
      const request = root.lookupType(method.requestType)
      const response = root.lookupType(method.responseType)
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

// the same as proto-loader's createSerializer / createDeserializer
function serializer(type) {
  return function serialize(arg) {
    if (Array.isArray(arg)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`)
    return type.encode(type.fromObject(arg)).finish()
  }
}

function deserializer(type, options) {
  return function deserialize(buffer) {
    return type.toObject(type.decode(buffer), options)
  }
}

module.exports = {grpcDefinition}
