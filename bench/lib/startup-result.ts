// A start-up figure: the agent's samples against `node -e 0` samples taken between them.
import {median, round} from './stats.js'

export interface StartupResult {
  samples: number
  agentMs: number[]
  nodeMs: number[]
  agentMedianMs: number
  nodeMedianMs: number
  /** agent - node (the targets are in ms over a bare node) */
  overheadMs: number
  ratio: number
  /** the first start after a build (no code cache yet: bench/lib/code-cache.ts), not among the samples; undefined when the cache was there */
  firstStartMs?: number
}

export function startupResult(agentMs: readonly number[], nodeMs: readonly number[], firstStartMs?: number): StartupResult {
  const a = median(agentMs)
  const n = median(nodeMs)
  return {firstStartMs: firstStartMs === undefined ? undefined : round(firstStartMs, 1), samples: agentMs.length, agentMs: agentMs.map((v) => round(v, 1)), nodeMs: nodeMs.map((v) => round(v, 1)), agentMedianMs: round(a, 1), nodeMedianMs: round(n, 1), overheadMs: round(a - n, 1), ratio: round(a / n, 2)}
}
