// The flags every flanctl command has, and --json for those whose result it prints.
import type {FlagTable} from './flag-spec.js'

export const globalFlags = {
  'no-color': {type: 'boolean', default: false, description: 'Print without colour (also: NO_COLOR=1, or output that is not a terminal).', helpGroup: 'GLOBAL'},
} as const satisfies FlagTable

export const jsonFlag = {
  json: {type: 'boolean', default: false, description: 'Format output as json.', helpGroup: 'GLOBAL'},
} as const satisfies FlagTable
