// `config set --file -` reads the config from stdin every time: 20 tries with stdin as a socket
// (node's 'pipe', as runCli gives it) and 20 through a shell pipe, on the fast path and oclif's.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {startEtcd, type EtcdServer} from '../helpers/etcd-server.js'
import {assertBuilt, BIN, ROOT, runCli} from './helpers/cli.js'

let etcd: EtcdServer
before(async () => {
  assertBuilt()
  etcd = await startEtcd()
})
after(async () => { await etcd?.destroy() })

const TRIES = 20

function shellPipe(text: string, args: string[], env: Record<string, string> = {}): Promise<{code: number; stderr: string}> {
  return new Promise((resolve, reject) => {
    const quoted = args.map((a) => `'${a}'`).join(' ')
    const child = spawn('sh', ['-c', `printf '%s' '${text}' | '${process.execPath}' '${BIN}' ${quoted}`], {cwd: ROOT, env: {...process.env, ...env}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? 1, stderr}))
  })
}

test(`config set --file - reads stdin on each of ${TRIES} tries (socket and pipe)`, async () => {
  const failures: string[] = []
  for (let i = 0; i < TRIES; i++) {
    const prefix = `/stdin${i}/network`
    const text = `{"Network":"10.${i}.0.0/16","Backend":{"Type":"host-gw"}}`
    const args = ['config', 'set', '--file', '-', '--etcd-endpoints', etcd.endpoint, '--etcd-prefix', prefix]
    const env: Record<string, string> = i % 2 === 0 ? {} : {FLANCTL_NO_FAST_PATH: '1'}
    const socket = await runCli(args, {input: `${text}\n`, env})
    if (socket.code !== 0) failures.push(`socket try ${i}: exit ${socket.code}: ${socket.stderr.trim()}`)
    const piped = await shellPipe(text, [...args.slice(0, -1), `${prefix}p`], env)
    if (piped.code !== 0) failures.push(`pipe try ${i}: exit ${piped.code}: ${piped.stderr.trim()}`)
    const stored = await etcd.etcdctl(['get', `${prefix}/config`, '--print-value-only'])
    if (socket.code === 0) assert.equal(stored.trim(), text)
  }
  assert.deepEqual(failures, [])
})
