// A backend's kernel port over iproute2: each kind of entry it programs says how to read the
// entries flanctl owns and how to write an op as `ip -batch` / `bridge -batch` lines. observe()
// reads every kind side by side; apply() runs one batch per tool for the whole pass.
import {entryKinds, type Dataplane, type EntryKind, type KernelEntry, type Op} from '../core/dataplane-state.js'
import {applyBatchLines, type BatchLine} from '../adapters/iproute2/apply.js'
import type {Iproute2Tool} from '../adapters/iproute2/run.js'

export interface Iproute2Kind<E extends KernelEntry = KernelEntry> extends EntryKind<E> {
  readonly tool: Iproute2Tool
  batchLines(op: Op<E>): string[]
  /** the entries of this kind that flanctl owns (and, for neighbours, the kernel's cache) */
  observe(netns?: string): Promise<E[]>
}

export function createIproute2Dataplane(kinds: readonly Iproute2Kind[], netns?: string): Dataplane {
  const byName = new Map(kinds.map((kind) => [kind.name, kind]))
  return {
    kinds: entryKinds(kinds),
    observe: async () => (await Promise.all([...byName.values()].map((kind) => kind.observe(netns)))).flat(),
    apply: (ops) => {
      const lines: BatchLine[] = []
      for (const op of ops) {
        const kind = byName.get(op.entry.kind)
        if (kind === undefined) throw new Error(`no iproute2 kind ${op.entry.kind}`)
        for (const text of kind.batchLines(op)) lines.push({tool: kind.tool, text, deleting: op.verb === 'delete'})
      }
      return applyBatchLines(lines, ops.length, {netns})
    },
    commands: (op) => {
      const kind = byName.get(op.entry.kind)
      return kind === undefined ? [] : kind.batchLines(op).map((line) => `${kind.tool} ${line}`)
    },
  }
}
