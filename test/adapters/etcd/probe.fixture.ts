// Run by probe-endpoints.test.ts inside a test namespace (`ip netns exec`): probes the endpoints
// (or looks for a config elsewhere) as argv[2] (JSON) says, and prints the answer as JSON.
import {probeEndpoints} from '../../../src/adapters/etcd/probe-endpoints.js'
import {findConfigElsewhere} from '../../../src/engine/find-config-elsewhere.js'

const request = JSON.parse(process.argv[2]) as {find?: boolean} & Parameters<typeof findConfigElsewhere>[0]
const answer = request.find === true ? await findConfigElsewhere(request) : await probeEndpoints(request)
process.stdout.write(JSON.stringify(answer))
