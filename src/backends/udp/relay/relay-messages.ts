// What the agent and the relay's worker thread say to each other.
import type {RelayStats} from './relay-loop.js'
import type {RelayPeer} from './peer-table.js'

export type RelayCommand = {type: 'peers'; generation: number; peers: RelayPeer[]} | {type: 'stop'}

export type RelayReport =
  | {type: 'ready'; wakeFd: number}
  | {type: 'peers-set'; generation: number}
  | {type: 'stopped'; stats: RelayStats}
