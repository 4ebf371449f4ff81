// --healthz-port: GET /healthz answers 200 while the agent runs; GET /readyz answers 503 until
// the lease, rules and subnet.env are in place, then 200 (a Kubernetes-style probe pair), and
// 503 again while the agent has a degraded reason (another host wrote our lease);
// GET /status answers the agent's own report as JSON (503 until there is one).
import {createServer, type Server} from 'node:http'
import {FlanctlError} from '../../core/errors.js'

export interface HealthServer {
  readonly address: {ip: string; port: number}
  setReady(ready: boolean): void
  /** degraded reasons (one line each): /readyz answers 503 with them while any is set */
  setDegraded(reasons: readonly {name: string; detail: string}[]): void
  setStatus(status: () => object): void
  close(): Promise<void>
}

export async function startHealthServer(ip: string, port: number): Promise<HealthServer> {
  let ready = false
  let degraded: readonly {name: string; detail: string}[] = []
  let status: (() => object) | undefined
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    const reply = (status: number, text: string): void => {
      response.writeHead(status, {'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store'})
      response.end(request.method === 'HEAD' ? undefined : `${text}\n`)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'method not allowed')
    if (path === '/healthz') return reply(200, 'ok')
    if (path === '/readyz') {
      if (!ready) return reply(503, 'not ready')
      if (degraded.length > 0) return reply(503, `degraded: ${degraded.map((r) => `${r.name}: ${r.detail}`).join('; ')}`)
      return reply(200, 'ok')
    }
    if (path === '/status') {
      if (status === undefined) return reply(503, 'no report yet: the agent has no lease')
      response.writeHead(200, {'content-type': 'application/json', 'cache-control': 'no-store'})
      return response.end(request.method === 'HEAD' ? undefined : `${JSON.stringify(status())}\n`)
    }
    return reply(404, 'not found: try /healthz, /readyz or /status')
  })
  // keep-alive connections must not hold the process open at exit
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new FlanctlError('E_USAGE', `cannot serve health checks on ${ip}:${port} (--healthz-ip, --healthz-port): ${error.code ?? error.message}`, {cause: error})),
    )
    server.listen(port, ip, () => resolve())
  })
  const bound = server.address()
  const actualPort = typeof bound === 'object' && bound !== null ? bound.port : port
  return {
    address: {ip, port: actualPort},
    setReady(value) {
      ready = value
    },
    setDegraded(reasons) {
      degraded = reasons
    },
    setStatus(value) {
      status = value
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
