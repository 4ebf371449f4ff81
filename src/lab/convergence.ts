// "Converged": every host has a route for every other host's subnet (what a ping needs). udp
// routes the whole network to flannel0 (its relay, whose table is not in the kernel, picks the
// peer): there, a host has converged once that route is in place.
import {setTimeout as sleep} from 'node:timers/promises'
import type {LabHost, LabState} from './lab-state.js'
import {readRoutes} from './kernel-view.js'

interface Convergence {
  converged: boolean
  /** "h1 lacks 198.18.7.0/24 (h3)" */
  missing: string[]
}

export async function checkConvergence(state: LabState, hosts: readonly LabHost[] = state.hosts): Promise<Convergence> {
  const missing: string[] = []
  for (const host of hosts) {
    const rows = await readRoutes(host.netns)
    if (state.backend === 'udp') {
      if (!rows.some((r) => r.dst === state.network && r.dev === 'flannel0')) missing.push(`${host.name} lacks ${state.network} dev flannel0`)
      continue
    }
    const routes = new Set(rows.map((r) => r.dst))
    for (const peer of hosts) {
      if (peer === host || peer.subnet === undefined) continue
      if (!routes.has(peer.subnet)) missing.push(`${host.name} lacks ${peer.subnet} (${peer.name})`)
    }
  }
  return {converged: missing.length === 0, missing}
}

export async function waitConverged(state: LabState, timeoutMs: number, hosts: readonly LabHost[] = state.hosts): Promise<Convergence> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await checkConvergence(state, hosts)
    if (result.converged || Date.now() > deadline) return result
    await sleep(100)
  }
}
