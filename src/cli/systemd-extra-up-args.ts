// `flanctl systemd ... -- <up flags>`: any `flanctl up` flag can go into the unit. The words
// after `--` are checked with up's own flag table and the one parser (flanneld spellings
// rewritten), together with the flags `systemd` itself puts there, so that a typo or a flag
// given twice fails here (exit 2) and not at every start of the unit.
import {FlanctlError} from '../core/errors.js'
import {goFlagArgv} from './go-flag-argv.js'
import {parseArgv} from './parse-argv.js'
import {upFlags} from './up-flags.js'

/** The extra `up` arguments as they go into the unit; throws E_USAGE naming what is wrong. */
export function extraUpArgs(systemdUpArgs: readonly string[], extra: readonly string[]): string[] {
  const words = goFlagArgv(extra, upFlags)
  try {
    // no environment: FLANNELD_* here says nothing about the host the unit runs on
    const parsed = parseArgv({flags: upFlags}, [...systemdUpArgs, ...words], {})
    if (parsed.flags['etcd-password'] !== undefined) throw new FlanctlError('E_USAGE', '--etcd-password is never written into a unit (unit files are world-readable): put FLANNELD_ETCD_PASSWORD=... in the environment file (mode 0600)')
    if (parsed.argv.length > 0) throw new FlanctlError('E_USAGE', `Unexpected argument${parsed.argv.length === 1 ? '' : 's'}: ${parsed.argv.join(', ')}`)
  } catch (error) {
    if (!(error instanceof FlanctlError)) throw error
    throw new FlanctlError('E_USAGE', `the flanctl up arguments after --: ${error.message}`, {
      hint: 'Give `flanctl up` flags after --, each once (see `flanctl up --help`); the flags of `flanctl systemd` itself go before --.',
    })
  }
  return words
}
