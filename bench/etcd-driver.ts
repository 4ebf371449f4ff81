// Runs inside a lab host namespace (the lab's etcd is only reachable there) and writes leases
// on request, timing each write and the moment a plain etcd watch sees it: the reference for
// "lease put -> routes on every host". Talks JSON lines on stdin/stdout; times are
// process.hrtime.bigint() (CLOCK_MONOTONIC, comparable across processes on this machine).
//   {"op":"put","key":k,"value":v}          -> {"op":"put","key":k,"start":ns,"done":ns,"watched":ns}
//   {"op":"txn","entries":[[k,v],...]}      -> {"op":"txn","count":n,"start":ns,"done":ns}
//   {"op":"del","keys":[k,...]}             -> {"op":"del","count":n}
//   {"op":"quit"}
import {createInterface} from 'node:readline'
import {Etcd3} from 'etcd3'

const endpoints = (process.argv[2] ?? 'http://203.0.113.1:2379').split(',')
const prefix = process.argv[3] ?? '/coreos.com/network/subnets/'
const client = new Etcd3({hosts: endpoints, dialTimeout: 3_000})
const now = (): string => process.hrtime.bigint().toString()
const pendingWatch = new Map<string, (at: string) => void>()
const send = (message: unknown): void => {
  process.stdout.write(JSON.stringify(message) + '\n')
}

const watcher = await client.watch().prefix(prefix).create()
watcher.on('put', (kv) => {
  const at = now()
  const key = kv.key.toString()
  pendingWatch.get(key)?.(at)
  pendingWatch.delete(key)
})
const lease = client.lease(86400, {autoKeepAlive: false})
const leaseId = await lease.grant()
send({op: 'ready', leaseId})

for await (const line of createInterface({input: process.stdin})) {
  if (line.trim() === '') continue
  const request = JSON.parse(line) as {op: string; key?: string; value?: string; entries?: Array<[string, string]>; keys?: string[]}
  if (request.op === 'quit') break
  if (request.op === 'put') {
    const watched = new Promise<string>((resolve) => pendingWatch.set(request.key!, resolve))
    const start = now()
    await client.put(request.key!).value(request.value!).lease(leaseId)
    const done = now()
    send({op: 'put', key: request.key, start, done, watched: await watched})
  } else if (request.op === 'txn') {
    const success = request.entries!.map(([key, value]) => ({request_put: {key: Buffer.from(key), value: Buffer.from(value), lease: leaseId}}))
    const start = now()
    await client.kv.txn({compare: [], success, failure: []})
    send({op: 'txn', count: success.length, start, done: now()})
  } else if (request.op === 'del') {
    const success = request.keys!.map((key) => ({request_delete_range: {key: Buffer.from(key)}}))
    await client.kv.txn({compare: [], success, failure: []})
    send({op: 'del', count: success.length})
  }
}
await watcher.cancel()
client.close()
