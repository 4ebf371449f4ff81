// Every check's judge, by check ID (the list itself is check-list.ts).
import {agentJudges} from './judge-agent.js'
import {configJudges, etcdJudges} from './judge-config.js'
import {dataplaneJudges} from './judge-dataplane.js'
import {firewallJudges} from './judge-firewall.js'
import {hostJudges} from './judge-host.js'
import {leaseJudges} from './judge-lease.js'
import {probeJudges} from './judge-probes.js'
import type {Judges} from './judge.js'

export const JUDGES: Judges = {...etcdJudges, ...configJudges, ...hostJudges, ...leaseJudges, ...firewallJudges, ...dataplaneJudges, ...probeJudges, ...agentJudges}
