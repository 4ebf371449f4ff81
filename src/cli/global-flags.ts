// The flags every flanctl command has (oclif's baseFlags of FlanctlCommand). In a module of their
// own so that `flanctl up`'s fast path parses them without loading oclif's Command class.
import * as Flags from '@oclif/core/flags'

export const globalFlags = {
  'no-color': Flags.boolean({description: 'Print without colour (also: NO_COLOR=1, or output that is not a terminal).', helpGroup: 'GLOBAL'}),
}
