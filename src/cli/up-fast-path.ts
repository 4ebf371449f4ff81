// `flanctl up` without oclif's Command class, config and plugin loader (about 90 ms of a start
// that flanneld users time: systemd waits for READY=1 before docker). The flags are the oclif
// command's own (up-action.ts), parsed by oclif's own parser, so both paths accept and reject
// the same argv; whatever the parser rejects, and --help, go to oclif, which prints the errors.
import {upGoFlags} from './agent-flags.js'
import {globalFlags} from './global-flags.js'
import {goFlagArgv} from './go-flag-argv.js'
import {painterFor} from './output.js'
import {reportUpFailure, runUp, upFlags, type UpFlagValues} from './up-action.js'

/** Runs the agent when oclif's parser takes argv (the words after `up`); false: let oclif run it. */
export async function upFastPath(args: readonly string[]): Promise<boolean> {
  if (args.includes('--help') || args.includes('-h')) return false
  const argv = goFlagArgv(args, upGoFlags)
  const {parse} = await import('@oclif/core/parser')
  let flags: UpFlagValues
  try {
    flags = (await parse([...argv], {flags: {...upFlags, ...globalFlags}, strict: true})).flags
  } catch {
    return false
  }
  try {
    await runUp(flags, argv)
  } catch (error) {
    reportUpFailure(error, flags['log-format'], await painterFor(argv))
  }
  return true
}
