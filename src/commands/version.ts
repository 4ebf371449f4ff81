import {defineCommand} from '../cli/command-definition.js'
import {userAgent} from '../cli/user-agent.js'

export interface VersionView {
  name: string
  version: string
  platform: string
  arch: string
  node: string
  /** the line `flanctl --version` prints */
  userAgent: string
}

export default defineCommand({
  summary: 'Print the version of flanctl and of the node running it (the same line as --version).',
  examples: ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'],
  flags: {},
  run: async ({cli}): Promise<VersionView> => ({name: cli.name, version: cli.version, platform: process.platform, arch: process.arch, node: process.version, userAgent: userAgent(cli)}),
  render: (result) => result.userAgent,
})
