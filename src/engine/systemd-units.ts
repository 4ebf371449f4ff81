// `flanctl systemd`: the unit that runs `flanctl up` (Type=notify) and the docker drop-in that
// reads the docker options file, rendered from templates/ and written into a directory.
import {mkdir, readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {writeFileAtomic} from '../adapters/files/atomic-file.js'
import {EXIT_CODES, FlanctlError} from '../core/errors.js'

// dist/engine/ and src/engine/ both sit two levels below the package root
const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates')

export interface SystemdUnitsInput {
  version: string
  /** absolute path of the flanctl executable the units run */
  exec: string
  unitName: string
  /** arguments of `flanctl up` after the executable (etcd flags and the others chosen) */
  upArgs: string[]
  subnetFile: string
  dockerOptsFile: string
  /** the combined variable docker-opts writes and dockerd reads */
  dockerOptsKey: string
  /** dockerd's command line without the options; empty: keep docker's own ExecStart */
  dockerd: string
  environmentFile: string
}

export interface SystemdUnitFile {
  /** path relative to the target directory */
  path: string
  text: string
}

/** systemd splits ExecStart on spaces, expands %specifiers and $VARS: quote and escape accordingly. */
function systemdQuote(arg: string): string {
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$')
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    if (!(name in values)) throw new FlanctlError('E_INTERNAL', `template placeholder ${whole} has no value`)
    return values[name]
  })
}

export async function renderSystemdUnits(input: SystemdUnitsInput): Promise<SystemdUnitFile[]> {
  if (!input.exec.startsWith('/')) throw new FlanctlError('E_USAGE', `--exec ${input.exec}: systemd needs an absolute path`)
  if (!/^[\w@.-]+\.service$/.test(input.unitName)) throw new FlanctlError('E_USAGE', `--unit-name ${input.unitName}: expected a name like flanctl.service`)
  const [service, dropIn] = await Promise.all([
    readFile(join(TEMPLATES, 'flanctl.service'), 'utf8'),
    readFile(join(TEMPLATES, 'docker-flanctl.conf'), 'utf8'),
  ])
  const command = (args: string[]) => [input.exec, ...args].map(systemdQuote).join(' ')
  const dropInName = `${input.unitName.replace(/\.service$/, '')}.conf`
  const values: Record<string, string> = {
    version: input.version,
    unitName: input.unitName,
    dropInName,
    subnetFile: input.subnetFile,
    dockerOptsFile: input.dockerOptsFile,
    environmentFile: input.environmentFile,
    usageExit: String(EXIT_CODES.E_USAGE),
    configExit: String(EXIT_CODES.E_INVALID_CONFIG),
    etcdExit: String(EXIT_CODES.E_ETCD_UNREACHABLE),
    execStart: command(['up', ...input.upArgs]),
    execStartPost: command(['docker-opts', '-f', input.subnetFile, '-d', input.dockerOptsFile, '-k', input.dockerOptsKey]),
    execStartLines: input.dockerd.trim() === ''
      ? `# docker's own ExecStart is kept: it must pass $${input.dockerOptsKey} to dockerd`
      : `ExecStart=\nExecStart=${input.dockerd.trim().replace(/%/g, '%%')} $${input.dockerOptsKey}`,
  }
  return [
    {path: input.unitName, text: fill(service, values)},
    {path: join('docker.service.d', dropInName), text: fill(dropIn, values)},
  ]
}

/** Writes each file atomically under dir; returns the absolute paths. */
export async function writeSystemdUnits(dir: string, files: SystemdUnitFile[]): Promise<string[]> {
  const written: string[] = []
  for (const file of files) {
    const path = join(dir, file.path)
    await mkdir(dirname(path), {recursive: true})
    await writeFileAtomic(path, file.text, 0o644)
    written.push(path)
  }
  return written
}
