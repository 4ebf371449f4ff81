#!/usr/bin/env node
// Entry point after `npm ci && npm run build`. oclif reads oclif.manifest.json, so only the
// command that runs is imported (etcd3 and execa load only for the commands that need them).
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
