import {defineCommand} from '../cli/command-definition.js'
import {reportUpFailure, runUp} from '../cli/up-action.js'
import {upFlags} from '../cli/up-flags.js'
import type {LogFormat} from '../adapters/log/logger.js'

export default defineCommand({
  summary: 'Run the flannel agent in the foreground (flanneld, etcd mode).',
  description: 'Leases a subnet, programs the overlay (vxlan or host-gw), keeps the iptables rules, writes subnet.env, then tells systemd READY=1. Runs until SIGINT/SIGTERM (exit 0; the lease and the kernel state stay). Logs go to stderr, one line per event. flanneld spellings (-iface, --ip-masq=true) work too.',
  examples: [
    '<%= config.bin %> <%= command.id %> --etcd-endpoints http://10.0.0.5:2379 --iface eth1 --ip-masq',
    'FLANNELD_IFACE=eth1 <%= config.bin %> <%= command.id %> --healthz-port 8285 --log-format json',
  ],
  json: false,
  flanneldSpellings: true,
  flags: upFlags,
  run: ({flags, commandLine}) => runUp(flags, commandLine),
  render: () => '', // everything was logged on stderr
  reportFailure: (error, flags, paint) => reportUpFailure(error, flags['log-format'] as LogFormat, paint),
})
