// Real etcd servers for tests: Debian's /usr/bin/etcd (3.4) on free loopback ports with a temporary
// data dir, optionally with TLS client-certificate auth, and a small multi-member cluster.
//
// API
//   startEtcd(options?: StartEtcdOptions): Promise<EtcdServer>
//     options: tls?: boolean      https + --client-cert-auth; CA, server and client certs made with openssl
//              host?: string      listen/advertise address (default 127.0.0.1)
//              clientPort?, peerPort?: number  (default: free ports; 2379/2380 inside a netns)
//              netns?: string     run etcd (and etcdctl) inside this network namespace (`ip netns exec`)
//              name?: string      member name (default "default")
//              serverCertFault?: 'expired' | 'wrong-name'  (with tls) etcd serves a server certificate
//                                 that expired yesterday, or one for etcd.example only
//              extraArgs?: string[]  more etcd flags, e.g. ['--enable-v2']
//   EtcdServer: endpoint ("http://127.0.0.1:PORT"), endpoints ([endpoint]), clientPort, peerPort,
//     dataDir, tls?: EtcdTlsFiles, pid (undefined while stopped), running,
//     stop()     SIGTERM to the PID we started (SIGKILL after 5 s), keeps the data dir and ports;
//     start()    starts it again on the same data dir and ports, resolves once healthy;
//     etcdctl(args, {input?}) runs `ETCDCTL_API=3 etcdctl --endpoints=... [tls flags] ...args`, resolves stdout,
//                rejects with stderr on a non-zero exit;
//     destroy()  stop() and remove every temporary file. Call it in after() hooks.
//   startEtcdCluster(size = 3, options?: {host?, netns?}): Promise<EtcdCluster>
//     EtcdCluster: endpoints (one per member), members: EtcdServer[] (each with its own stop()/start()),
//     etcdctl(args, {input?}) against all endpoints, destroy(). A member's destroy() stops it and
//     removes only its data dir.
//   etcdTlsFlags(tls): string[] — the etcdctl flags for a client with the test's certificates.
//   EtcdTlsFiles: dir, caFile, serverCertFile, serverKeyFile, clientCertFile, clientKeyFile,
//     otherCaFile (a CA that signed nothing here: for "wrong CA" tests),
//     expiredClientCertFile (the client key's certificate, expired yesterday).
//
// Every etcd started here is also SIGKILLed by PID, and its temp dir removed, when the test process
// exits, so a crashed test does not leave servers behind.
import {spawn, spawnSync, execFile, type ChildProcess} from 'node:child_process'
import {mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const ETCD = '/usr/bin/etcd'
const ETCDCTL = '/usr/bin/etcdctl'
const HEALTHY_WITHIN_MS = 20_000

export interface EtcdTlsFiles {
  dir: string
  caFile: string
  serverCertFile: string
  serverKeyFile: string
  clientCertFile: string
  clientKeyFile: string
  otherCaFile: string
  expiredClientCertFile: string
}

export type ServerCertFault = 'expired' | 'wrong-name'

export interface StartEtcdOptions {
  tls?: boolean
  host?: string
  clientPort?: number
  peerPort?: number
  netns?: string
  name?: string
  serverCertFault?: ServerCertFault
  extraArgs?: string[]
}

export interface EtcdServer {
  readonly name: string
  readonly endpoint: string
  readonly endpoints: string[]
  readonly clientPort: number
  readonly peerPort: number
  readonly dataDir: string
  readonly tls?: EtcdTlsFiles
  readonly pid: number | undefined
  readonly running: boolean
  stop(): Promise<void>
  start(): Promise<void>
  etcdctl(args: string[], options?: {input?: string}): Promise<string>
  destroy(): Promise<void>
}

export interface EtcdCluster {
  readonly endpoints: string[]
  readonly members: EtcdServer[]
  etcdctl(args: string[], options?: {input?: string}): Promise<string>
  destroy(): Promise<void>
}

// Safety net: whatever is still running when the process exits is killed by its PID.
const live = new Map<number, ChildProcess>()
const tempDirs = new Set<string>()
process.on('exit', () => {
  for (const pid of live.keys()) {
    try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ }
  }
  for (const dir of tempDirs) rmSync(dir, {recursive: true, force: true})
})

export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdServer> {
  const root = makeTempDir('flanctl-etcd-')
  const host = options.host ?? '127.0.0.1'
  try {
    const tls = options.tls ? makeTlsFiles(join(root, 'tls'), host, options.serverCertFault) : undefined
    // A free port can be taken by someone else before etcd binds it: try fresh ports a few times.
    for (let attempt = 1; ; attempt++) {
      const [clientPort, peerPort] = await pickPorts(options)
      const member = new Member({root, host, clientPort, peerPort, netns: options.netns, name: options.name ?? 'default', tls, ownsRoot: true, serverCertFault: options.serverCertFault, extraArgs: options.extraArgs})
      member.cluster = `${member.name}=${member.peerUrl}`
      try {
        await member.start()
        return member
      } catch (error) {
        await member.stop()
        const portsGiven = options.clientPort !== undefined || options.peerPort !== undefined || options.netns !== undefined
        if (attempt >= 3 || portsGiven || !/address already in use/.test(String(error))) throw error
        rmSync(member.dataDir, {recursive: true, force: true})
      }
    }
  } catch (error) {
    removeTempDir(root)
    throw error
  }
}

export async function startEtcdCluster(size = 3, options: {host?: string; netns?: string} = {}): Promise<EtcdCluster> {
  const root = makeTempDir('flanctl-etcd-cluster-')
  const host = options.host ?? '127.0.0.1'
  const members: Member[] = []
  try {
    const taken = new Set<number>()
    for (let i = 0; i < size; i++) {
      let [clientPort, peerPort] = options.netns ? [2379 + 10 * i, 2380 + 10 * i] : await pickPorts({host})
      while (taken.has(clientPort) || taken.has(peerPort)) [clientPort, peerPort] = await pickPorts({host})
      taken.add(clientPort).add(peerPort)
      members.push(new Member({root, host, clientPort, peerPort, netns: options.netns, name: `m${i}`, tls: undefined, ownsRoot: false}))
    }
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',')
    for (const m of members) m.cluster = initialCluster
    // Members wait for each other to elect a leader: start them all, then wait.
    await Promise.all(members.map((m) => m.start()))
  } catch (error) {
    await Promise.all(members.map((m) => m.stop()))
    removeTempDir(root)
    throw error
  }
  const endpoints = members.map((m) => m.endpoint)
  return {
    endpoints,
    members,
    etcdctl: (args, opts) => runEtcdctl({endpoints, netns: options.netns}, args, opts),
    async destroy() {
      await Promise.all(members.map((m) => m.stop()))
      removeTempDir(root)
    },
  }
}

export function etcdTlsFlags(tls: EtcdTlsFiles): string[] {
  return [`--cacert=${tls.caFile}`, `--cert=${tls.clientCertFile}`, `--key=${tls.clientKeyFile}`]
}

interface MemberSpec {
  root: string
  host: string
  clientPort: number
  peerPort: number
  netns?: string
  name: string
  tls?: EtcdTlsFiles
  /** a single server: destroy() removes the whole temp dir */
  ownsRoot: boolean
  serverCertFault?: ServerCertFault
  extraArgs?: string[]
}

class Member implements EtcdServer {
  readonly name: string
  readonly endpoint: string
  readonly endpoints: string[]
  readonly clientPort: number
  readonly peerPort: number
  readonly dataDir: string
  readonly tls?: EtcdTlsFiles
  readonly peerUrl: string
  cluster = ''
  private child?: ChildProcess
  private exited?: Promise<void>
  private readonly logFile: string
  private readonly spec: MemberSpec

  constructor(spec: MemberSpec) {
    this.spec = spec
    this.name = spec.name
    this.clientPort = spec.clientPort
    this.peerPort = spec.peerPort
    this.tls = spec.tls
    this.endpoint = `${spec.tls ? 'https' : 'http'}://${spec.host}:${spec.clientPort}`
    this.endpoints = [this.endpoint]
    this.peerUrl = `http://${spec.host}:${spec.peerPort}`
    this.dataDir = join(spec.root, `data-${spec.name}`)
    this.logFile = join(spec.root, `etcd-${spec.name}.log`)
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  get running(): boolean {
    return this.child !== undefined
  }

  async start(): Promise<void> {
    if (this.child) return
    const args = [
      `--name=${this.name}`,
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${this.endpoint}`,
      `--advertise-client-urls=${this.endpoint}`,
      `--listen-peer-urls=${this.peerUrl}`,
      `--initial-advertise-peer-urls=${this.peerUrl}`,
      `--initial-cluster=${this.cluster}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=flanctl-test-${process.pid}`,
      '--logger=zap',
      '--log-outputs=stderr',
    ]
    if (this.tls) {
      args.push(`--cert-file=${this.tls.serverCertFile}`, `--key-file=${this.tls.serverKeyFile}`,
        `--trusted-ca-file=${this.tls.caFile}`, '--client-cert-auth')
    }
    args.push(...(this.spec.extraArgs ?? []))
    const [command, argv] = inNetns(this.spec.netns, ETCD, args)
    const log = openSync(this.logFile, 'a')
    const child = spawn(command, argv, {stdio: ['ignore', log, log]})
    closeSync(log)
    if (child.pid === undefined) throw new Error(`could not start ${ETCD}`)
    this.child = child
    live.set(child.pid, child)
    this.exited = new Promise((resolve) => child.once('exit', () => {
      live.delete(child.pid!)
      if (this.child === child) this.child = undefined
      resolve()
    }))
    try {
      await this.waitHealthy(child)
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  async stop(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = undefined
      return
    }
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await this.exited
    clearTimeout(timer)
    this.child = undefined
  }

  etcdctl(args: string[], options: {input?: string} = {}): Promise<string> {
    // a server certificate made faulty on purpose is not checked by the test's own etcdctl
    const skipVerify = this.spec.serverCertFault === undefined ? [] : ['--insecure-skip-tls-verify']
    return runEtcdctl({endpoints: this.endpoints, tls: this.tls, netns: this.spec.netns}, [...skipVerify, ...args], options)
  }

  async destroy(): Promise<void> {
    await this.stop()
    // a cluster member removes only its own files; the cluster's destroy() removes the rest
    if (this.spec.ownsRoot) removeTempDir(this.spec.root)
    else rmSync(this.dataDir, {recursive: true, force: true})
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + HEALTHY_WITHIN_MS
    let last = ''
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null || this.child !== child) {
        throw new Error(`etcd ${this.name} exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${this.logTail()}`)
      }
      try {
        await this.etcdctl(['endpoint', 'health', '--command-timeout=1s', '--dial-timeout=1s'])
        return
      } catch (error) {
        last = String(error)
      }
      await sleep(100)
    }
    throw new Error(`etcd ${this.name} at ${this.endpoint} not healthy within ${HEALTHY_WITHIN_MS} ms: ${last}\n${this.logTail()}`)
  }

  private logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n')
    } catch {
      return '(no log)'
    }
  }
}

function runEtcdctl(target: {endpoints: string[]; tls?: EtcdTlsFiles; netns?: string}, args: string[], options: {input?: string} = {}): Promise<string> {
  const full = [`--endpoints=${target.endpoints.join(',')}`, ...(target.tls ? etcdTlsFlags(target.tls) : []), ...args]
  const [command, argv] = inNetns(target.netns, ETCDCTL, full)
  return new Promise((resolve, reject) => {
    const child = execFile(command, argv, {env: {...process.env, ETCDCTL_API: '3'}, timeout: 30_000, maxBuffer: 64 * 1024 * 1024},
      (error, stdout, stderr) => {
        if (error) reject(new Error(`etcdctl ${args.join(' ')}: ${stderr.trim() || error.message}`))
        else resolve(stdout)
      })
    if (options.input !== undefined) child.stdin?.end(options.input)
    else child.stdin?.end()
  })
}

function inNetns(netns: string | undefined, command: string, args: string[]): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, command, ...args]] : [command, args]
}

async function pickPorts(options: StartEtcdOptions): Promise<[number, number]> {
  if (options.netns) return [options.clientPort ?? 2379, options.peerPort ?? 2380]
  const host = options.host ?? '127.0.0.1'
  const clientPort = options.clientPort ?? await freePort(host)
  let peerPort = options.peerPort ?? await freePort(host)
  while (peerPort === clientPort) peerPort = await freePort(host)
  return [clientPort, peerPort]
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

// A CA, a server certificate for host/127.0.0.1/localhost (or a faulty one), a client
// certificate and an expired one for the same key, and a second unrelated CA. EC keys: fast to
// generate. `-days -1` makes a certificate that expired a day before it was made.
function makeTlsFiles(dir: string, host: string, serverCertFault?: ServerCertFault): EtcdTlsFiles {
  mkdirSync(dir, {recursive: true})
  const f = (name: string) => join(dir, name)
  const ssl = (...args: string[]) => opensslSync(args)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  ssl('req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=flanctl test CA')
  ssl('req', '-x509', ...ec, '-keyout', f('other-ca.key'), '-out', f('other-ca.crt'), '-days', '2', '-subj', '/CN=flanctl other CA')
  const sans = serverCertFault === 'wrong-name' ? 'DNS:etcd.example' : [...new Set([`IP:${host}`, 'IP:127.0.0.1', 'DNS:localhost'])].join(',')
  writeFileSync(f('server.ext'), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n`)
  writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n')
  for (const who of ['server', 'client']) {
    ssl('req', ...ec, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`), '-subj', `/CN=flanctl test ${who}`)
    ssl('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
      '-out', f(`${who}.crt`), '-days', who === 'server' && serverCertFault === 'expired' ? '-1' : '2', '-extfile', f(`${who}.ext`))
  }
  ssl('x509', '-req', '-in', f('client.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('expired-client.crt'), '-days', '-1', '-extfile', f('client.ext'))
  return {
    dir,
    caFile: f('ca.crt'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    otherCaFile: f('other-ca.crt'),
    expiredClientCertFile: f('expired-client.crt'),
  }
}

// Synchronous is fine here: a handful of calls once per TLS test file.
function opensslSync(args: string[]): void {
  const result = spawnSync('openssl', args, {encoding: 'utf8'})
  const problem = result.error?.message ?? (result.status === 0 ? undefined : result.stderr)
  if (problem !== undefined) throw new Error(`openssl ${args.join(' ')}: ${problem}`)
}

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

function removeTempDir(dir: string): void {
  rmSync(dir, {recursive: true, force: true})
  tempDirs.delete(dir)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
