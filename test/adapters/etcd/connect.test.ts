// Connecting: unreachable endpoints fail fast with E_ETCD_UNREACHABLE, and misconfigured ones (TLS, auth, permission) with E_ETCD_ACCESS, naming
// the endpoints and the cause; TLS with client certificates; etcd auth; bad TLS files are
// E_USAGE naming the flag and file; close() lets the process exit.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'
import {openEtcdStore} from '../../../src/adapters/etcd/index.js'
import type {FlanctlError} from '../../../src/core/errors.js'
import {startEtcd, type EtcdServer} from '../../helpers/etcd-server.js'
import {PREFIX, net, vxlanAttrs} from './fixtures.js'

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

async function openFails(options: Parameters<typeof openEtcdStore>[0]): Promise<FlanctlError> {
  try {
    const store = await openEtcdStore(options)
    await store.close()
  } catch (error) {
    return error as FlanctlError
  }
  assert.fail('openEtcdStore should have failed')
}

/** A loopback TCP server that accepts and never says a word. */
async function silentServer(): Promise<{server: Server; port: number; close(): void}> {
  const sockets: Socket[] = []
  const server = createServer((socket) => { sockets.push(socket) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {server, port, close: () => { for (const s of sockets) s.destroy(); server.close() }}
}

describe('unreachable endpoints', () => {
  test('connection refused: E_ETCD_UNREACHABLE naming every endpoint and the cause', {timeout: 15_000}, async () => {
    const error = await openFails({endpoints: ['http://127.0.0.1:9', 'http://127.0.0.1:7'], prefix: PREFIX})
    assert.equal(error.code, 'E_ETCD_UNREACHABLE')
    // each endpoint with its own cause
    assert.match(error.message, /^etcd http:\/\/127\.0\.0\.1:9: connection refused; http:\/\/127\.0\.0\.1:7: connection refused while connecting/)
    assert.match(error.hint ?? '', /--etcd-endpoints/)
  })

  test('an endpoint that never answers: a timeout after the dial timeout, not a hang', {timeout: 15_000}, async () => {
    const silent = await silentServer()
    try {
      const endpoint = `http://127.0.0.1:${silent.port}`
      const error = await openFails({endpoints: [endpoint], prefix: PREFIX, dialTimeoutMs: 1000})
      assert.equal(error.code, 'E_ETCD_UNREACHABLE')
      assert.match(error.message, new RegExp(`${escape(endpoint)}: no answer within 1 s`))
    } finally {
      silent.close()
    }
  })

  test('one dead endpoint next to a live one (like flannel\'s default pair): every call gets through', {timeout: 30_000}, async () => {
    const etcd = await startEtcd()
    try {
      for (let i = 0; i < 5; i++) {
        const store = await openEtcdStore({endpoints: ['http://127.0.0.1:9', etcd.endpoint], prefix: PREFIX})
        try {
          await store.putConfig(`{"Network":"10.${i}.0.0/16"}`)
          assert.equal(await store.getConfig(), `{"Network":"10.${i}.0.0/16"}`)
          assert.deepEqual((await store.listLeases()).leases, [])
        } finally {
          await store.close()
        }
      }
    } finally {
      await etcd.destroy()
    }
  })

  test('bad endpoint and option spellings are usage errors', async () => {
    assert.equal((await openFails({endpoints: ['http://127.0.0.1:1', 'https://127.0.0.1:2'], prefix: PREFIX})).code, 'E_USAGE')
    assert.equal((await openFails({endpoints: ['unix:///run/etcd.sock'], prefix: PREFIX})).code, 'E_USAGE')
    assert.equal((await openFails({endpoints: [], prefix: PREFIX})).code, 'E_USAGE')
  })
})

describe('TLS with client certificates', () => {
  let etcd: EtcdServer
  before(async () => { etcd = await startEtcd({tls: true}) })
  after(async () => { await etcd?.destroy() })

  test('connects with the CA, certificate and key; etcdctl reads what was written', {timeout: 15_000}, async () => {
    const tls = etcd.tls!
    const store = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX, caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile})
    try {
      await store.putConfig('{"Network":"10.7.0.0/16"}')
      const made = await store.createLease(net('10.7.1.0/24'), vxlanAttrs('192.0.2.71'), 600)
      assert.ok(made.created)
      assert.equal((await store.listLeases({withTtl: true})).leases.length, 1)
      assert.equal(await etcd.etcdctl(['get', `${PREFIX}/config`, '--print-value-only']), '{"Network":"10.7.0.0/16"}\n')
    } finally {
      await store.close()
    }
  })

  test('without a client certificate: the handshake failure is named', {timeout: 15_000}, async () => {
    const error = await openFails({endpoints: etcd.endpoints, prefix: PREFIX, caFile: etcd.tls!.caFile})
    assert.equal(error.code, 'E_ETCD_ACCESS')
    assert.match(error.message, new RegExp(escape(etcd.endpoint)))
    assert.match(error.message, /etcd rejected the client certificate/)
    assert.match(error.hint ?? '', /--etcd-certfile/)
  })

  test('without the CA (or with another CA): the server certificate is not trusted', {timeout: 15_000}, async () => {
    const tls = etcd.tls!
    for (const caFile of [undefined, tls.otherCaFile]) {
      const error = await openFails({endpoints: etcd.endpoints, prefix: PREFIX, caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile})
      assert.equal(error.code, 'E_ETCD_ACCESS')
      assert.match(error.message, /server certificate signed by an unknown authority/)
    }
  })

  test('http:// to a TLS endpoint fails clearly and fast', {timeout: 15_000}, async () => {
    const error = await openFails({endpoints: [etcd.endpoint.replace('https:', 'http:')], prefix: PREFIX})
    assert.equal(error.code, 'E_ETCD_UNREACHABLE')
    assert.match(error.message, /https endpoint reached with http:\/\//)
  })

  test('unreadable or wrong TLS files: E_USAGE naming the flag and the file', async () => {
    const tls = etcd.tls!
    const missing = join(tls.dir, 'nope.pem')
    const base = {endpoints: etcd.endpoints, prefix: PREFIX}
    let error = await openFails({...base, caFile: missing})
    assert.equal(error.code, 'E_USAGE')
    assert.match(error.message, new RegExp(`${escape(missing)} given with --etcd-cafile: no such file`))
    const garbage = join(tls.dir, 'garbage.pem')
    writeFileSync(garbage, 'not a certificate\n')
    error = await openFails({...base, caFile: tls.caFile, certFile: garbage, keyFile: tls.clientKeyFile})
    assert.equal(error.code, 'E_USAGE')
    assert.match(error.message, new RegExp(`--etcd-certfile ${escape(garbage)} is not a PEM certificate`))
    error = await openFails({...base, caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.serverKeyFile})
    assert.equal(error.code, 'E_USAGE')
    assert.match(error.message, /--etcd-keyfile .* is not the key of --etcd-certfile/)
    error = await openFails({...base, caFile: tls.caFile, certFile: tls.clientCertFile})
    assert.match(error.message, /--etcd-certfile .* is given without --etcd-keyfile/)
  })
})

describe('TLS to a plain endpoint', () => {
  let etcd: EtcdServer
  before(async () => { etcd = await startEtcd() })
  after(async () => { await etcd?.destroy() })

  test('https:// to a plain endpoint: the endpoint does not speak TLS', {timeout: 15_000}, async () => {
    const error = await openFails({endpoints: [etcd.endpoint.replace('http:', 'https:')], prefix: PREFIX})
    assert.equal(error.code, 'E_ETCD_ACCESS')
    assert.match(error.message, /the endpoint does not speak TLS/)
  })
})

describe('etcd authentication', () => {
  let etcd: EtcdServer
  before(async () => {
    etcd = await startEtcd()
    await etcd.etcdctl(['user', 'add', 'root:rootpw'])
    await etcd.etcdctl(['user', 'add', 'flannel:flannelpw'])
    await etcd.etcdctl(['role', 'add', 'flannel'])
    await etcd.etcdctl(['role', 'grant-permission', 'flannel', '--prefix=true', 'readwrite', `${PREFIX}/`])
    await etcd.etcdctl(['user', 'grant-role', 'flannel', 'flannel'])
    await etcd.etcdctl(['auth', 'enable'])
  })
  after(async () => { await etcd?.destroy() })

  test('the right user name and password work', {timeout: 15_000}, async () => {
    const store = await openEtcdStore({endpoints: etcd.endpoints, prefix: PREFIX, username: 'flannel', password: 'flannelpw'})
    try {
      await store.putConfig('{"Network":"10.8.0.0/16"}')
      assert.equal(await store.getConfig(), '{"Network":"10.8.0.0/16"}')
      assert.ok((await store.createLease(net('10.8.1.0/24'), vxlanAttrs('192.0.2.81'), 600)).created)
      assert.equal((await store.listLeases({withTtl: true})).leases.length, 1)
      // a user confined to the prefix cannot scan etcd for other configs: no hint, no failure
      assert.deepEqual(await store.findConfigKeys(), [])
    } finally {
      await store.close()
    }
  })

  test('a wrong password: authentication failed, naming the endpoint and the flags', {timeout: 15_000}, async () => {
    const error = await openFails({endpoints: etcd.endpoints, prefix: PREFIX, username: 'flannel', password: 'wrong'})
    assert.equal(error.code, 'E_ETCD_ACCESS')
    assert.match(error.message, new RegExp(`${escape(etcd.endpoint)}: authentication failed: invalid user name or password`))
    assert.match(error.hint ?? '', /--etcd-username and --etcd-password/)
  })

  test('no credentials: authentication required', {timeout: 15_000}, async () => {
    const error = await openFails({endpoints: etcd.endpoints, prefix: PREFIX})
    assert.equal(error.code, 'E_ETCD_ACCESS')
    assert.match(error.message, /authentication required/)
  })

  test('no permission on the prefix: permission denied', {timeout: 15_000}, async () => {
    const error = await openFails({endpoints: etcd.endpoints, prefix: '/elsewhere/network', username: 'flannel', password: 'flannelpw'})
    assert.equal(error.code, 'E_ETCD_ACCESS')
    assert.match(error.message, /permission denied/)
  })
})

describe('process lifetime', () => {
  let etcd: EtcdServer
  before(async () => { etcd = await startEtcd() })
  after(async () => { await etcd?.destroy() })

  test('after close() (with a watch open) the process exits by itself', {timeout: 30_000}, async () => {
    const here = fileURLToPath(new URL('.', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'close-exits.fixture.ts'), etcd.endpoint], {stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    // a hang guard, not a speed test: a child still alive after 20 s is killed and the test fails
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])))
    clearTimeout(guard)
    assert.equal(signal, null, `the process did not exit by itself: ${output}`)
    assert.equal(code, 0, output)
    assert.match(output, /closed/)
  })
})
