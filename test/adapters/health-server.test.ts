import {test} from 'node:test'
import assert from 'node:assert/strict'
import {startHealthServer} from '../../src/adapters/http/health-server.js'
import {FlanctlError} from '../../src/core/errors.js'

test('/healthz is 200 from the start, /readyz 503 until ready then 200', async () => {
  const server = await startHealthServer('127.0.0.1', 0)
  try {
    const base = `http://127.0.0.1:${server.address.port}`
    assert.equal((await fetch(`${base}/healthz`)).status, 200)
    const before = await fetch(`${base}/readyz`)
    assert.equal(before.status, 503)
    assert.equal(await before.text(), 'not ready\n')
    server.setReady(true)
    assert.equal((await fetch(`${base}/readyz`)).status, 200)
    assert.equal((await fetch(`${base}/other`)).status, 404)
    assert.equal((await fetch(`${base}/healthz`, {method: 'POST'})).status, 405)
  } finally {
    await server.close()
  }
})

test('/status is 503 until the agent has a report, then its JSON', async () => {
  const server = await startHealthServer('127.0.0.1', 0)
  try {
    const base = `http://127.0.0.1:${server.address.port}`
    assert.equal((await fetch(`${base}/status`)).status, 503)
    let passes = 1
    server.setStatus(() => ({state: 'ok', passes}))
    passes = 2
    const response = await fetch(`${base}/status`)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/json')
    assert.deepEqual(await response.json(), {state: 'ok', passes: 2}, 'read at each request')
  } finally {
    await server.close()
  }
})

test('a port in use is an error naming the flags', async () => {
  const first = await startHealthServer('127.0.0.1', 0)
  try {
    await assert.rejects(startHealthServer('127.0.0.1', first.address.port), (error: unknown) => error instanceof FlanctlError && /--healthz-port/.test(error.message) && /EADDRINUSE/.test(error.message))
  } finally {
    await first.close()
  }
})

test('/readyz is 503 naming each degraded reason while any is set, 200 again when cleared', async () => {
  const server = await startHealthServer('127.0.0.1', 0)
  try {
    const base = `http://127.0.0.1:${server.address.port}`
    server.setReady(true)
    server.setDegraded([{name: 'duplicate-public-ip', detail: 'our lease /coreos.com/network/subnets/198.18.1.0-24 was overwritten by another writer'}])
    const degraded = await fetch(`${base}/readyz`)
    assert.equal(degraded.status, 503)
    assert.equal(await degraded.text(), 'degraded: duplicate-public-ip: our lease /coreos.com/network/subnets/198.18.1.0-24 was overwritten by another writer\n')
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'still alive')
    server.setDegraded([])
    assert.equal((await fetch(`${base}/readyz`)).status, 200)
  } finally {
    await server.close()
  }
})
