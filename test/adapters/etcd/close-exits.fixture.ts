// Run by connect.test.ts in a child process: uses the store (a watch, a lease, a failed connect)
// then closes it and relies on the event loop emptying for the process to exit.
import {openEtcdStore} from '../../../src/adapters/etcd/index.js'

const endpoint = process.argv[2]
const store = await openEtcdStore({endpoints: [endpoint], prefix: '/coreos.com/network'})
const list = await store.listLeases({withTtl: true})
let events = 0
store.watchLeases(list.revision, {onPut: () => events++, onDelete: () => events++, onWarning: () => {}, onResync: () => {}, onError: () => {}})
await store.createLease({ip: 0x0a090100, prefixLen: 24}, {publicIp: '192.0.2.91', publicIpv6: null}, 600)
while (events === 0) await new Promise((resolve) => setTimeout(resolve, 20))
await store.close()
await openEtcdStore({endpoints: ['http://127.0.0.1:9'], prefix: '/coreos.com/network'}).catch(() => undefined)
console.log('closed')
