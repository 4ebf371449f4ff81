// `flanctl lab down`: removes exactly what the lab created, also after a crash. Processes: the
// PIDs in the state file whose command line still names the lab dir, then whatever still runs
// inside the lab's own namespaces; namespaces: those starting with the lab's prefix; dirs: the
// lab's temp dir (it carries a marker file) and /run/flanctl-lab/<name>.
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {deleteNetns, listNetns, netnsPids} from '../adapters/netns/namespaces.js'
import {processArgv, stopProcess, type StopOutcome} from '../adapters/netns/processes.js'
import {readState, removeState, stateDir, type LabState} from './lab-state.js'
import {LAB_DIR_MARKER, labDirPrefix} from './lab-up.js'
import {validateLabName} from './lab-name.js'
import {labPrefix} from './topology.js'

interface StoppedProcess {
  pid: number
  what: string
  outcome: StopOutcome
}

export interface LabDownResult {
  name: string
  hadState: boolean
  stopped: StoppedProcess[]
  removedNamespaces: string[]
  removedDirs: string[]
  warnings: string[]
}

function isLabDir(name: string, dir: string): boolean {
  if (!basename(dir).startsWith(labDirPrefix(name))) return false
  try {
    return readFileSync(join(dir, LAB_DIR_MARKER), 'utf8').trim() === name
  } catch {
    return false
  }
}

/** The lab's temp dirs: the one in the state, or (state lost) those in tmpdir with the lab's marker. */
function labDirs(name: string, state: LabState | undefined): string[] {
  if (state !== undefined) return isLabDir(name, state.dir) ? [state.dir] : []
  try {
    return readdirSync(tmpdir()).map((entry) => join(tmpdir(), entry)).filter((dir) => isLabDir(name, dir))
  } catch {
    return []
  }
}

export async function labDown(options: {name: string}): Promise<LabDownResult> {
  const name = options.name
  validateLabName(name)
  const warnings: string[] = []
  let state: LabState | undefined
  try {
    state = readState(name)
  } catch (error) {
    warnings.push(`${(error as Error).message}; removing by namespace prefix instead`)
  }
  const dirs = labDirs(name, state)
  const stopped: StoppedProcess[] = []

  // 1. processes recorded in the state, each checked against its command line
  if (state !== undefined) {
    const agents = state.hosts.filter((h) => h.pid !== undefined).map((h) => ({pid: h.pid!, what: `flanctl up (${h.name})`, marker: h.subnetFile}))
    const members = state.etcd.filter((m) => m.pid !== undefined).map((m) => ({pid: m.pid!, what: `etcd ${m.name}`, marker: m.dataDir}))
    const results = await Promise.all([...agents, ...members].map(async (p) => ({pid: p.pid, what: p.what, outcome: await stopProcess(p.pid, p.marker, {graceMs: 3_000})})))
    for (const result of results) {
      if (result.outcome === 'not-ours') warnings.push(`pid ${result.pid} (${result.what}) now runs something else; left alone`)
      if (result.outcome !== 'gone') stopped.push(result)
    }
  }

  // 2. anything still inside the lab's namespaces (e.g. a command left by `lab exec`, or etcd when
  //    the state is lost): found by namespace (`ip netns pids` compares /proc/<pid>/ns/net), never
  //    by name; its argv is read again right before the signal so a reused PID is left alone
  const namespaces = (await listNetns()).filter((ns) => ns.startsWith(labPrefix(name)))
  for (const ns of namespaces) {
    for (const pid of await netnsPids(ns)) {
      const argv = processArgv(pid)
      if (argv === undefined) continue
      const outcome = await stopProcess(pid, argv[0] ?? '', {graceMs: 3_000})
      stopped.push({pid, what: `${argv.slice(0, 3).join(' ')} in ${ns}`, outcome})
    }
  }

  // 3. namespaces: containers and hosts first, the switch (bridge, etcd address) last
  const order = (ns: string): number => (ns.endsWith('-sw') ? 1 : 0)
  const removedNamespaces: string[] = []
  for (const ns of [...namespaces].sort((a, b) => order(a) - order(b) || a.localeCompare(b))) {
    try {
      await deleteNetns(ns)
      removedNamespaces.push(ns)
    } catch (error) {
      warnings.push(`could not delete namespace ${ns}: ${(error as Error).message}`)
    }
  }

  // 4. the temp dir and the state dir
  const removedDirs: string[] = []
  for (const dir of dirs) {
    rmSync(dir, {recursive: true, force: true})
    removedDirs.push(dir)
  }
  if (state !== undefined && !dirs.includes(state.dir) && existsSync(state.dir)) warnings.push(`${state.dir} lacks the lab marker; left in place`)
  if (removeState(name)) removedDirs.push(stateDir(name))
  return {name, hadState: state !== undefined, stopped, removedNamespaces, removedDirs, warnings}
}
