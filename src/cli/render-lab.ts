// Human views of the lab's results (printed when --json is off), tables through renderTable.
import type {LabDownResult} from '../lab/lab-down.js'
import type {LabStatusResult} from '../lab/lab-status.js'
import type {LabHostView, LabUpResult} from '../lab/lab-view.js'
import type {PingMatrix} from '../lab/ping-matrix.js'
import type {Painter} from './painter.js'
import {renderTable} from './render-table.js'

function renderHosts(hosts: readonly LabHostView[], paint: Painter): string {
  const rows = hosts.map((h) => {
    const agent = h.agent === 'manual' ? 'by hand' : h.pid === undefined ? 'stopped' : `pid ${h.pid}${h.alive ? '' : ' (dead)'}`
    return [h.name, h.netns, h.publicIp, h.subnet ?? '-', h.mtu === undefined ? '-' : String(h.mtu), agent, h.container.ip ?? '-']
  })
  return renderTable(['HOST', 'NAMESPACE', 'PUBLIC IP', 'SUBNET', 'MTU', 'AGENT', 'CONTAINER'], rows, paint)
}

function renderMatrix(matrix: PingMatrix, paint: Painter): string {
  const cell = (from: string, to: string): string => {
    if (from === to) return '-'
    const pair = matrix.pairs.find((p) => p.from === from && p.to === to)
    if (pair?.ok && pair.fullSize === false) return paint.red('MTU')
    return pair?.ok ? paint.green('ok') : paint.red('FAIL')
  }
  const container = (host: string): string => host.replace(/^h/, 'c')
  const rows = matrix.hosts.map((from) => [container(from), ...matrix.hosts.map((to) => cell(from, to))])
  const lost = matrix.pairs.filter((p) => p.fullSize === false).length
  // the legend only when a cell says MTU
  const legend = lost > 0 ? ' (MTU: small pings pass, full-size ones are lost)' : ''
  const answered = `${matrix.okCount}/${matrix.total} pairs answer${matrix.fullSize === undefined ? '' : `, ${matrix.okCount - lost}/${matrix.total} also with ${matrix.fullSize}-byte DF packets${legend}`}`
  const verdict = matrix.okCount === matrix.total && lost === 0 ? paint.green(answered) : paint.red(answered)
  return `connectivity, container to container (ping -c 1 -W 1):\n${renderTable(['from \\ to', ...matrix.hosts.map(container)], rows, paint)}\n${verdict}`
}

/** " --name X" for hints about a lab that is not the default one. */
export function labNameFlag(name: string): string {
  return name === 'lab' ? '' : ` --name ${name}`
}

export function renderLabUp(result: LabUpResult, paint: Painter): string {
  const lines = [
    `lab ${result.name}: ${result.hosts.length} hosts, backend ${result.backend}, underlay ${result.underlay}, network ${result.network} (/${result.subnetLen} per host)`,
    `etcd ${result.etcdEndpoints.join(',')}  dir ${result.dir}`,
    '',
    renderHosts(result.hosts, paint),
    '',
  ]
  if (!result.converged) lines.push(paint.yellow(`routes still missing: ${result.missingRoutes.join('; ')}`), '')
  if (result.matrix) lines.push(renderMatrix(result.matrix, paint), '')
  const name = labNameFlag(result.name)
  lines.push(`next: flanctl lab exec h1${name} -- ip route · flanctl lab status${name} --ping · flanctl lab restart h1${name} · flanctl lab down${name}`)
  return lines.join('\n')
}

export function renderLabStatus(result: LabStatusResult, paint: Painter): string {
  const live = result.liveConfig
  const config = live.text === null
    ? paint.red('config: none in etcd (or etcd did not answer)')
    : `config: backend ${live.backend}, network ${live.network}, /${live.subnetLen}${live.changedSinceUp.length > 0 ? paint.yellow(` (changed since lab up: ${live.changedSinceUp.join(', ')})`) : ''}`
  const lines = [`lab ${result.name}: underlay ${result.underlay}, dir ${result.dir}`, config]
  lines.push(`etcd: ${result.etcd.map((m) => `${m.member} ${m.clientUrl} ${m.alive ? paint.green(`pid ${m.pid}`) : paint.red('down')}`).join(', ')}`, '')
  lines.push(renderHosts(result.hosts, paint), '')
  if (result.missingNamespaces.length > 0) lines.push(paint.red(`missing namespaces: ${result.missingNamespaces.join(', ')}`))
  lines.push(result.converged ? paint.green('routes: every host has a route to every other host') : paint.yellow(`routes missing: ${result.missingRoutes.join('; ') || 'unknown'}`))
  if (result.matrix) lines.push('', renderMatrix(result.matrix, paint))
  return lines.join('\n')
}

export function renderLabDown(result: Omit<LabDownResult, 'warnings'>): string {
  const lines = [`lab ${result.name} removed${result.hadState ? '' : ' (no state file: found by namespace prefix)'}`]
  for (const p of result.stopped) lines.push(`  stopped pid ${p.pid} ${p.what} (${p.outcome})`)
  for (const ns of result.removedNamespaces) lines.push(`  deleted namespace ${ns}`)
  for (const dir of result.removedDirs) lines.push(`  removed ${dir}`)
  if (result.stopped.length + result.removedNamespaces.length + result.removedDirs.length === 0) lines.push('  nothing was left')
  return lines.join('\n')
}
