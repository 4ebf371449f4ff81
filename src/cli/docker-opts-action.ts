// `flanctl docker-opts` (flannel's mk-docker-opts.sh): flags to writeDockerOpts, and its output:
// silent when the file was written, as the script is; the file's text with --dry-run.
import {writeDockerOpts, type DockerOptsWritten} from '../engine/write-docker-opts.js'
import type {CommandAction} from './command-action.js'

export interface DockerOptsFlags {
  'env-file': string
  dest: string
  individual: boolean
  combined: boolean
  key: string
  'omit-ip-masq': boolean
  'dry-run': boolean
}

export const dockerOptsAction: CommandAction<DockerOptsFlags, DockerOptsWritten> = {
  run: (flags) => writeDockerOpts({
    envFile: flags['env-file'],
    outFile: flags.dest,
    individual: flags.individual,
    combined: flags.combined,
    key: flags.key,
    omitIpMasq: flags['omit-ip-masq'],
    env: process.env,
    dryRun: flags['dry-run'],
  }),
  render: (result) => (result.written ? '' : result.text),
}
