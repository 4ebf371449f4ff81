#!/usr/bin/env node
// Entry point after `npm ci && npm run build`: the start path (src/cli/main.ts, built to
// dist/main.js) parses argv and runs the command without oclif; oclif serves help and completion.
import {main} from '../dist/main.js'

await main(process.argv.slice(2), import.meta.url)
