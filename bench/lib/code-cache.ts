// `flanctl up` compiles its bundle with a V8 code cache, which the first start after a build
// writes once its routes' first pass is done (src/cli/agent-bundle.ts). The start-up benchmarks
// measure the starts after that one, as every start of an installed agent is: each makes one
// start first, long enough for the cache to be written, when there is none yet, and reports it
// apart (the first start after a build).
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {AGENT_BUNDLE_FILE, BUNDLE_ID_LINE, cacheFileOf} from '../../src/cli/agent-bundle.js'

/** how long the first start stays up: the cache is written a second after its first pass */
export const CACHE_WRITING_MS = 2500

export function agentCodeCacheFile(): string {
  const bundle = join(fileURLToPath(new URL('../../dist/chunks/', import.meta.url)), AGENT_BUNDLE_FILE)
  const id = BUNDLE_ID_LINE.exec(readFileSync(bundle, 'utf8'))?.[1]
  if (id === undefined) throw new Error(`${bundle} has no bundle hash: run npm run build`)
  return cacheFileOf(bundle, id)
}

export function hasAgentCodeCache(): boolean {
  return existsSync(agentCodeCacheFile())
}
