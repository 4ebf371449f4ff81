// The version line, as oclif prints it for --version (its config.userAgent).
import type {CliInfo} from './command-definition.js'

export function userAgent(cli: CliInfo): string {
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  return `${cli.name}/${cli.version} ${process.platform}-${arch} node-${process.version}`
}
