// `flanctl lab fault HOST KIND` and `flanctl lab heal [HOST]`: inject a fault of the one list
// (fault-kinds.ts) and record how to undo it in /run/flanctl-lab/<name>/faults.json; heal undoes
// the recorded faults, last first.
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {FlanctlError} from '../core/errors.js'
import {findFaultKind, type FaultUndo} from './fault-kinds.js'
import {validateLabName} from './lab-name.js'
import {loadState, stateDir, writeState, type LabHost, type LabState} from './lab-state.js'

export interface FaultRecord {
  host: string
  kind: string
  check: string
  undo: FaultUndo
}

function faultsFile(name: string): string {
  return join(stateDir(name), 'faults.json')
}

export function readFaults(name: string): FaultRecord[] {
  const file = faultsFile(name)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FaultRecord[]) : []
}

function writeFaults(name: string, faults: readonly FaultRecord[]): void {
  const file = faultsFile(name)
  writeFileSync(`${file}.tmp`, `${JSON.stringify(faults, null, 2)}\n`, {mode: 0o600})
  renameSync(`${file}.tmp`, file)
}

export function labHost(state: LabState, name: string): LabHost {
  const host = state.hosts.find((h) => h.name === name || h.netns === name)
  if (host === undefined) throw new FlanctlError('E_NOT_FOUND', `lab "${state.name}" has no host "${name}"`, {hint: `Hosts: ${state.hosts.map((h) => h.name).join(', ')}.`})
  return host
}

export async function labFault(options: {name: string; host: string; kind: string}): Promise<FaultRecord> {
  validateLabName(options.name)
  const state = loadState(options.name)
  const host = labHost(state, options.host)
  const fault = findFaultKind(options.kind)
  if (fault.backends !== undefined && !fault.backends.includes(state.backend)) {
    throw new FlanctlError('E_USAGE', `fault ${fault.kind} needs a ${fault.backends.join(' or ')} lab; lab ${state.name} is ${state.backend}`)
  }
  const faults = readFaults(state.name)
  if (faults.some((f) => f.host === host.name && f.kind === fault.kind)) throw new FlanctlError('E_CONFLICT', `${host.name} has fault ${fault.kind} already`, {hint: `flanctl lab heal ${host.name} --name ${state.name}`})
  const undo = await fault.inject({state, host})
  writeState(state) // an agent stopped or started changes its PID
  const record: FaultRecord = {host: host.name, kind: fault.kind, check: fault.check, undo}
  writeFaults(state.name, [...faults, record])
  return record
}

export async function labHeal(options: {name: string; host?: string}): Promise<FaultRecord[]> {
  validateLabName(options.name)
  const state = loadState(options.name)
  const faults = readFaults(state.name)
  const healed: FaultRecord[] = []
  const kept: FaultRecord[] = []
  for (const record of [...faults].reverse()) {
    if (options.host !== undefined && record.host !== labHost(state, options.host).name) {
      kept.unshift(record)
      continue
    }
    await findFaultKind(record.kind).heal({state, host: labHost(state, record.host)}, record.undo)
    healed.push(record)
  }
  writeState(state)
  writeFaults(state.name, kept)
  return healed
}
