// vxlan's kernel port over iproute2: fdb entries, neighbours and routes on its device, and
// DirectRouting's routes on the external interface. Entries on other devices are not flanctl's.
// Routes and neighbours carry flanctl's protocol (owner-mark.ts); fdb entries cannot, so an fdb
// entry is ours when its MAC is the lladdr of one of our neighbours (they are made and removed
// together, so this holds across restarts), or one this process installed.
import type {Dataplane, DataplaneState, KernelEntry} from '../../core/dataplane-state.js'
import type {Ip4Net} from '../../core/types.js'
import {createIproute2Dataplane} from '../iproute2-dataplane.js'
import {iproute2Routes} from '../route-kind.js'
import {iproute2Fdb, type FdbEntry} from './fdb-kind.js'
import {iproute2Neighs, type NeighEntry} from './neigh-kind.js'

/** The observed state without the fdb entries that are not ours (see above). */
export function ownedFdb(observed: DataplaneState, installedMacs: ReadonlySet<string>): DataplaneState {
  const ourMacs = new Set(installedMacs)
  for (const entry of observed) if (entry.kind === 'neigh') ourMacs.add((entry as NeighEntry).lladdr)
  return observed.filter((entry: KernelEntry) => entry.kind !== 'fdb' || ourMacs.has((entry as FdbEntry).lladdr))
}

export function vxlanIproute2Dataplane(options: {device: string; externalInterface: string; network: Ip4Net}, netns?: string): Dataplane {
  // every route with flanctl's mark is observed, on the device, the external interface or elsewhere
  const {device} = options
  const inner = createIproute2Dataplane([iproute2Fdb(device), iproute2Neighs(device), iproute2Routes()], netns)
  const installed = new Set<string>()
  return {
    kinds: inner.kinds,
    observe: async () => ownedFdb(await inner.observe(), installed),
    commands: inner.commands,
    async apply(ops) {
      // marked before: an entry a failed batch may have made is still ours to fix or remove
      for (const op of ops) if (op.entry.kind === 'fdb' && op.verb === 'replace') installed.add((op.entry as FdbEntry).lladdr)
      await inner.apply(ops)
      for (const op of ops) if (op.entry.kind === 'fdb' && op.verb === 'delete') installed.delete((op.entry as FdbEntry).lladdr)
    },
  }
}
