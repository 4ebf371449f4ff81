#!/usr/bin/env node
// Entry point after `npm ci && npm run build`. `--version` and `docker-opts` are answered by a
// fast path that does not load oclif (src/cli/fast-path.ts: they must start within 2.5x a bare
// node); everything else, and whatever the fast path is unsure of, runs through oclif, which
// reads oclif.manifest.json and imports only the command that runs.
import {fileURLToPath} from 'node:url'
import {fastPath} from '../dist/cli/fast-path.js'

if (!(await fastPath(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url))))) {
  const {execute} = await import('@oclif/core/execute')
  await execute({dir: import.meta.url})
}
