// `flanctl systemd`: which `flanctl up` arguments go into the unit, and how the result reads.
import type {SystemdUnitFile} from '../engine/systemd-units.js'
import {DEFAULT_PREFIX} from '../core/subnet-key.js'
import {DEFAULT_ETCD_ENDPOINTS, type EtcdFlagValues} from './etcd-flags.js'
import type {Painter} from './painter.js'

export interface SystemdView {
  dryRun: boolean
  dir: string
  files: SystemdUnitFile[]
  /** absolute paths written; empty with --dry-run */
  written: string[]
}

export interface SystemdFlagValues extends EtcdFlagValues {
  iface?: string[]
  'public-ip'?: string
  'ip-masq'?: boolean
  'subnet-file': string
}

/** The etcd flags that differ from the defaults, plus the agent flags given; never the password. */
export function systemdUpArgs(flags: SystemdFlagValues): {upArgs: string[]; warnings: string[]} {
  const upArgs: string[] = []
  const warnings: string[] = []
  if (flags['etcd-endpoints'] !== DEFAULT_ETCD_ENDPOINTS) upArgs.push(`--etcd-endpoints=${flags['etcd-endpoints']}`)
  if (flags['etcd-prefix'] !== DEFAULT_PREFIX) upArgs.push(`--etcd-prefix=${flags['etcd-prefix']}`)
  for (const name of ['etcd-cafile', 'etcd-certfile', 'etcd-keyfile', 'etcd-username'] as const) {
    const value = flags[name]
    if (value !== undefined) upArgs.push(`--${name}=${value}`)
  }
  if (flags['etcd-password'] !== undefined) {
    warnings.push('--etcd-password is not written into the unit (unit files are world-readable): put FLANNELD_ETCD_PASSWORD=... in the environment file (mode 0600)')
  }
  for (const iface of flags.iface ?? []) upArgs.push(`--iface=${iface}`)
  if (flags['public-ip'] !== undefined) upArgs.push(`--public-ip=${flags['public-ip']}`)
  if (flags['ip-masq'] === true) upArgs.push('--ip-masq')
  upArgs.push(`--subnet-file=${flags['subnet-file']}`)
  return {upArgs, warnings}
}

export function renderSystemdFiles(view: SystemdView, paint: Painter): string {
  if (view.dryRun) return view.files.map((f) => `${paint.dim(`# ---- ${f.path} ----`)}\n${f.text}`).join('\n')
  const unit = view.files[0]?.path ?? 'flanctl.service'
  return [
    ...view.written.map((path) => `${paint.green('Wrote')} ${path}`),
    `Next: systemctl daemon-reload && systemctl enable --now ${unit} && systemctl restart docker`,
  ].join('\n')
}
