// The parent side of bench/etcd-driver.ts: one driver process inside a lab host namespace.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

export interface DriverPut {
  start: bigint
  done: bigint
  watched: bigint
}

export class EtcdDriver {
  private readonly child: ChildProcessWithoutNullStreams
  private readonly waiting: Array<(message: Record<string, string>) => void> = []
  private stderr = ''

  constructor(netns: string, endpoints: readonly string[], prefix = '/coreos.com/network/subnets/') {
    const script = fileURLToPath(new URL('../etcd-driver.ts', import.meta.url))
    const root = fileURLToPath(new URL('../../', import.meta.url))
    this.child = spawn('ip', ['netns', 'exec', netns, process.execPath, '--import', 'tsx', script, endpoints.join(','), prefix], {cwd: root, stdio: ['pipe', 'pipe', 'pipe']})
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000)
    })
    createInterface({input: this.child.stdout}).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as Record<string, string>))
  }

  private next(timeoutMs = 60_000): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`etcd driver gave no answer in ${timeoutMs} ms: ${this.stderr}`)), timeoutMs)
      this.waiting.push((message) => {
        clearTimeout(timer)
        resolve(message)
      })
    })
  }

  async ready(): Promise<void> {
    await this.next(30_000)
  }

  async put(key: string, value: string): Promise<DriverPut> {
    const answer = this.next()
    this.child.stdin.write(JSON.stringify({op: 'put', key, value}) + '\n')
    const m = await answer
    return {start: BigInt(m.start!), done: BigInt(m.done!), watched: BigInt(m.watched!)}
  }

  async txn(entries: Array<[string, string]>): Promise<{start: bigint; done: bigint}> {
    const answer = this.next(120_000)
    this.child.stdin.write(JSON.stringify({op: 'txn', entries}) + '\n')
    const m = await answer
    return {start: BigInt(m.start!), done: BigInt(m.done!)}
  }

  async del(keys: string[]): Promise<void> {
    const answer = this.next(120_000)
    this.child.stdin.write(JSON.stringify({op: 'del', keys}) + '\n')
    await answer
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return
    this.child.stdin.write(JSON.stringify({op: 'quit'}) + '\n')
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
}
