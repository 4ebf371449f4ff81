// `flanctl up`'s flag table: the etcd flags and the agent's. A module of its own so that what
// parses up's flags (the start path before the agent loads, `systemd -- <up flags>`) loads only
// the table, not the agent.
import {agentFlags} from './agent-flags.js'
import {etcdFlags} from './etcd-flags.js'
import type {FlagValues} from './flag-spec.js'

export const upFlags = {...etcdFlags, ...agentFlags}

export type UpFlagValues = FlagValues<typeof upFlags>
