// `config set` takes the config as a JSON argument, a file, or flags; the flags build the same
// JSON document flannel reads (flannel's field names, only what was given).
import {BACKEND_TYPES} from '../backends/registry.js'
import {readFile} from 'node:fs/promises'
import {readStdin} from '../adapters/files/read-stdin.js'
import {FlanctlError} from '../core/errors.js'
import type {FlagTable, FlagValues} from './flag-spec.js'

export const networkConfigFlags = {
  file: {type: 'string', description: 'Read the config JSON from this file ("-" for stdin).', helpGroup: 'CONFIG'},
  network: {type: 'string', description: 'Network, e.g. 10.1.0.0/16.', helpGroup: 'CONFIG'},
  'subnet-len': {type: 'integer', description: 'SubnetLen: prefix length of each host\'s subnet.', helpGroup: 'CONFIG'},
  'subnet-min': {type: 'string', description: 'SubnetMin: first subnet to hand out.', helpGroup: 'CONFIG'},
  'subnet-max': {type: 'string', description: 'SubnetMax: last subnet to hand out.', helpGroup: 'CONFIG'},
  backend: {type: 'option', description: 'Backend.Type (with flags the default is vxlan).', options: [...BACKEND_TYPES], helpGroup: 'CONFIG'},
  vni: {type: 'integer', description: 'Backend.VNI (vxlan).', helpGroup: 'CONFIG'},
  port: {type: 'integer', description: 'Backend.Port (vxlan, udp).', helpGroup: 'CONFIG'},
  'direct-routing': {type: 'boolean', description: 'Backend.DirectRouting (vxlan).', helpGroup: 'CONFIG'},
} as const satisfies FlagTable

export type NetworkConfigFlagValues = FlagValues<typeof networkConfigFlags>

const FIELD_FLAGS = ['network', 'subnet-len', 'subnet-min', 'subnet-max', 'backend', 'vni', 'port', 'direct-routing'] as const

/** The config text to validate and write, and where it came from (for messages). */
export async function networkConfigText(json: string | undefined, flags: NetworkConfigFlagValues): Promise<{text: string; source: string}> {
  const fieldFlags = FIELD_FLAGS.filter((name) => flags[name] !== undefined && flags[name] !== false)
  const sources = [json !== undefined ? 'the JSON argument' : '', flags.file !== undefined ? '--file' : '', fieldFlags.length > 0 ? `--${fieldFlags[0]}` : ''].filter((s) => s !== '')
  if (sources.length === 0) {
    throw new FlanctlError('E_USAGE', 'no config given: pass it as JSON, with --file, or with --network and the other config flags')
  }
  if (sources.length > 1) throw new FlanctlError('E_USAGE', `give the config one way only, not ${sources.join(' and ')}`)
  if (json !== undefined) return {text: json, source: 'the JSON argument'}
  if (flags.file !== undefined) {
    try {
      const text = flags.file === '-' ? await readStdin() : await readFile(flags.file, 'utf8')
      return {text: text.trim(), source: `--file ${flags.file}`}
    } catch (error) {
      throw new FlanctlError('E_USAGE', `cannot read --file ${flags.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
  if (flags.network === undefined) throw new FlanctlError('E_USAGE', `--${fieldFlags[0]} needs --network`)
  const backend: Record<string, unknown> = {Type: flags.backend ?? 'vxlan'}
  if (flags.vni !== undefined) backend.VNI = flags.vni
  if (flags.port !== undefined) backend.Port = flags.port
  if (flags['direct-routing'] === true) backend.DirectRouting = true
  const doc: Record<string, unknown> = {Network: flags.network}
  if (flags['subnet-len'] !== undefined) doc.SubnetLen = flags['subnet-len']
  if (flags['subnet-min'] !== undefined) doc.SubnetMin = flags['subnet-min']
  if (flags['subnet-max'] !== undefined) doc.SubnetMax = flags['subnet-max']
  doc.Backend = backend
  return {text: JSON.stringify(doc), source: 'flags'}
}
