import * as Flags from '@oclif/core/flags'
import {FlanctlCommand} from '../cli/base-command.js'
import {dockerOptsAction} from '../cli/docker-opts-action.js'
import {DEFAULT_COMBINED_KEY, DEFAULT_DOCKER_OPTS_FILE} from '../core/docker-opts.js'
import {DEFAULT_SUBNET_FILE} from '../core/subnet-env.js'
import type {DockerOptsWritten} from '../engine/write-docker-opts.js'

// bin/run.js usually runs dockerOptsAction without loading oclif (src/cli/fast-path.ts); this
// class defines the flags (through the manifest, for both paths) and serves --help and errors.
export default class DockerOpts extends FlanctlCommand<DockerOptsWritten> {
  static override summary = 'Write docker\'s options (--bip, --ip-masq, --mtu) from subnet.env: flannel\'s mk-docker-opts.sh.'
  static override description = 'Same flags and byte-for-byte the same file as mk-docker-opts.sh, written atomically (a temporary file in the same directory, then renamed). Like the script, variables the file does not set are taken from the environment. Silent on success, as the script is; --dry-run prints the file instead of writing it.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -k DOCKER_NETWORK_OPTIONS -d /run/flannel/docker',
    '<%= config.bin %> <%= command.id %> -f /run/flannel/subnet.env -c -m --dry-run',
  ]

  static override flags = {
    'env-file': Flags.string({char: 'f', description: 'The flannel env file to read.', default: DEFAULT_SUBNET_FILE}),
    dest: Flags.string({char: 'd', description: 'The docker env file to write.', default: DEFAULT_DOCKER_OPTS_FILE}),
    individual: Flags.boolean({char: 'i', default: false, description: 'One DOCKER_OPT_* variable per option (with neither -i nor -c: both).'}),
    combined: Flags.boolean({char: 'c', default: false, description: 'All options in one variable (see -k).'}),
    key: Flags.string({char: 'k', description: 'The combined variable\'s name.', default: DEFAULT_COMBINED_KEY}),
    'omit-ip-masq': Flags.boolean({char: 'm', default: false, description: 'Leave out --ip-masq (for old docker versions).'}),
    'dry-run': Flags.boolean({default: false, description: 'Print the file, write nothing.'}),
  }

  protected async execute(): Promise<DockerOptsWritten> {
    const {flags} = await this.parse(DockerOpts)
    return dockerOptsAction.run(flags, {addWarning: (message) => this.addWarning(message)})
  }

  protected render(result: DockerOptsWritten): string {
    return dockerOptsAction.render(result)
  }
}
