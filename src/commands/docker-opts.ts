import {defineCommand} from '../cli/command-definition.js'
import {DEFAULT_COMBINED_KEY, DEFAULT_DOCKER_OPTS_FILE} from '../core/docker-opts.js'
import {DEFAULT_SUBNET_FILE} from '../core/subnet-env.js'
import {writeDockerOpts} from '../engine/write-docker-opts.js'

export default defineCommand({
  summary: 'Write docker\'s options (--bip, --ip-masq, --mtu) from subnet.env: flannel\'s mk-docker-opts.sh.',
  description: 'Same flags and byte-for-byte the same file as mk-docker-opts.sh, written atomically (a temporary file in the same directory, then renamed). Like the script, variables the file does not set are taken from the environment. Silent on success, as the script is; --dry-run prints the file instead of writing it.',
  examples: [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -k DOCKER_NETWORK_OPTIONS -d /run/flannel/docker',
    '<%= config.bin %> <%= command.id %> -f /run/flannel/subnet.env -c -m --dry-run',
  ],
  flags: {
    'env-file': {type: 'string', char: 'f', description: 'The flannel env file to read.', default: DEFAULT_SUBNET_FILE},
    dest: {type: 'string', char: 'd', description: 'The docker env file to write.', default: DEFAULT_DOCKER_OPTS_FILE},
    individual: {type: 'boolean', char: 'i', default: false, description: 'One DOCKER_OPT_* variable per option (with neither -i nor -c: both).'},
    combined: {type: 'boolean', char: 'c', default: false, description: 'All options in one variable (see -k).'},
    key: {type: 'string', char: 'k', description: 'The combined variable\'s name.', default: DEFAULT_COMBINED_KEY},
    'omit-ip-masq': {type: 'boolean', char: 'm', default: false, description: 'Leave out --ip-masq (for old docker versions).'},
    'dry-run': {type: 'boolean', default: false, description: 'Print the file, write nothing.'},
  },
  async run({flags, warn}) {
    const {warnings, ...written} = await writeDockerOpts({
      envFile: flags['env-file'],
      outFile: flags.dest,
      individual: flags.individual,
      combined: flags.combined,
      key: flags.key,
      omitIpMasq: flags['omit-ip-masq'],
      env: process.env,
      dryRun: flags['dry-run'],
    })
    for (const warning of warnings) warn(warning)
    return written
  },
  // silent when the file was written, as the script is; the file's text with --dry-run
  render: (result) => (result.written ? '' : result.text),
})
