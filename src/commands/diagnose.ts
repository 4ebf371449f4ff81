import {defineCommand} from '../cli/command-definition.js'
import {diagnoseFlags, diagnoseInput} from '../cli/diagnose-flags.js'
import {renderDiagnose} from '../cli/render-diagnose.js'
import type {DiagnoseResult} from '../engine/diagnose/run-diagnose.js'

export default defineCommand({
  summary: 'Find why containers on two hosts cannot talk, layer by layer, and say how to fix it.',
  description:
    'Takes the agent\'s flags (and FLANNELD_* variables) and checks, in layers: the config, etcd, the leases, the host (ip_forward, rp_filter, interface, kernel features, iptables), the firewall, the kernel entries against the leases, probes to each peer (underlay, overlay, DF at FLANNEL_MTU), and the agent. ' +
    'Exit 0: nothing failed (warnings allowed); 1: a check failed; 5: etcd unreachable; 11: not root, so the kernel checks were skipped; 2: bad flags.',
  examples: [
    '<%= config.bin %> <%= command.id %> --etcd-endpoints http://10.0.0.5:2379 --iface eth1 --ip-masq',
    '<%= config.bin %> <%= command.id %> --peer 10.5.7.0/24 -v',
    '<%= config.bin %> <%= command.id %> --no-probe --json',
    '<%= config.bin %> <%= command.id %> --fix --dry-run',
  ],
  flanneldSpellings: true,
  flags: diagnoseFlags,
  async run({flags, commandLine}): Promise<DiagnoseResult> {
    const input = await diagnoseInput(flags, commandLine)
    const {runDiagnose} = await import('../engine/diagnose/run-diagnose.js')
    const result = await runDiagnose(input, {fix: flags.fix, dryRun: flags['dry-run'], saveSnapshot: flags['save-snapshot']})
    process.exitCode = result.exitCode
    return result
  },
  render: (result, {paint, flags}) => renderDiagnose(result, paint, flags.verbose),
})
