import {Flags} from '@oclif/core'
import {FlanctlCommand} from '../cli/base-command.js'
import {DEFAULT_COMBINED_KEY, DEFAULT_DOCKER_OPTS_FILE} from '../core/docker-opts.js'
import {DEFAULT_SUBNET_FILE} from '../core/subnet-env.js'
import {writeDockerOpts, type DockerOptsWritten} from '../engine/write-docker-opts.js'

export default class DockerOpts extends FlanctlCommand<DockerOptsWritten> {
  static override summary = 'Write docker\'s options (--bip, --ip-masq, --mtu) from subnet.env: flannel\'s mk-docker-opts.sh.'
  static override description = 'Same flags and byte-for-byte the same file as mk-docker-opts.sh, written atomically (a temporary file in the same directory, then renamed). Silent on success, as the script is; --dry-run prints the file instead of writing it.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -k DOCKER_NETWORK_OPTIONS -d /run/flannel/docker',
    '<%= config.bin %> <%= command.id %> -f /run/flannel/subnet.env -c -m --dry-run',
  ]

  static override flags = {
    'env-file': Flags.string({char: 'f', description: 'The flannel env file to read.', default: DEFAULT_SUBNET_FILE}),
    dest: Flags.string({char: 'd', description: 'The docker env file to write.', default: DEFAULT_DOCKER_OPTS_FILE}),
    individual: Flags.boolean({char: 'i', description: 'One DOCKER_OPT_* variable per option (with neither -i nor -c: both).'}),
    combined: Flags.boolean({char: 'c', description: 'All options in one variable (see -k).'}),
    key: Flags.string({char: 'k', description: 'The combined variable\'s name.', default: DEFAULT_COMBINED_KEY}),
    'omit-ip-masq': Flags.boolean({char: 'm', description: 'Leave out --ip-masq (for old docker versions).'}),
    'dry-run': Flags.boolean({description: 'Print the file, write nothing.'}),
  }

  protected async execute(): Promise<DockerOptsWritten> {
    const {flags} = await this.parse(DockerOpts)
    return writeDockerOpts({
      envFile: flags['env-file'],
      outFile: flags.dest,
      individual: flags.individual,
      combined: flags.combined,
      key: flags.key,
      omitIpMasq: flags['omit-ip-masq'],
      env: process.env,
      dryRun: flags['dry-run'],
    })
  }

  protected render(result: DockerOptsWritten): string {
    return result.written ? '' : result.text
  }
}
