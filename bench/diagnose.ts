// `flanctl diagnose` (probes included) on a healthy 3-host vxlan lab, from spawn to exit,
// against a bare `node -e 0` spawned the same way (ip netns exec in the same host), interleaved.
import {spawn} from 'node:child_process'
import {diagnoseArgv} from '../src/lab/lab-diagnose.js'
import {benchLabName, withLab} from './lib/lab-session.js'
import {median, nsToMs, percentile, round} from './lib/stats.js'
import {timeNode} from './lib/time-node.js'

export interface DiagnoseBenchResult {
  samples: number
  diagnoseMedianMs: number
  diagnoseP10Ms: number
  diagnoseP90Ms: number
  nodeMedianMs: number
  nodeP10Ms: number
  nodeP90Ms: number
  ratio: number
  /** ratios of each interleaved pair */
  ratioMin: number
  ratioMax: number
}

function timeDiagnose(argv: readonly string[]): Promise<number> {
  const start = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`diagnose exited ${code} on a healthy lab: ${stderr}`))
      else resolve(nsToMs(process.hrtime.bigint() - start))
    })
  })
}

export async function diagnoseBench(options: {samples?: number} = {}): Promise<DiagnoseBenchResult> {
  const samples = options.samples ?? 15
  const name = benchLabName('d')
  return withLab({name, hosts: 3, backend: 'vxlan'}, async (lab) => {
    const host = lab.hosts[0]!
    const argv = diagnoseArgv(name, host.name, ['--json'])
    await timeDiagnose(argv) // warm the page cache once
    const diag: number[] = []
    const node: number[] = []
    for (let i = 0; i < samples; i++) {
      diag.push(await timeDiagnose(argv))
      node.push(await timeNode(host.netns))
    }
    const pairs = diag.map((d, i) => d / node[i]!)
    return {
      samples,
      diagnoseMedianMs: round(median(diag), 1),
      diagnoseP10Ms: round(percentile(diag, 10), 1),
      diagnoseP90Ms: round(percentile(diag, 90), 1),
      nodeMedianMs: round(median(node), 1),
      nodeP10Ms: round(percentile(node, 10), 1),
      nodeP90Ms: round(percentile(node, 90), 1),
      ratio: round(median(diag) / median(node), 2),
      ratioMin: round(Math.min(...pairs), 2),
      ratioMax: round(Math.max(...pairs), 2),
    }
  })
}
