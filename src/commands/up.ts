import chalk from 'chalk'
import {upGoFlags} from '../cli/agent-flags.js'
import {FlanctlCommand} from '../cli/base-command.js'
import {goFlagArgv} from '../cli/go-flag-argv.js'
import {reportUpFailure, runUp, upFlags} from '../cli/up-action.js'
import type {LogFormat} from '../adapters/log/logger.js'
import type {AgentResult} from '../engine/agent.js'

// bin/run.js usually starts the agent without loading oclif's Command (src/cli/up-fast-path.ts);
// this class defines the flags and serves --help, parse errors and FLANCTL_NO_FAST_PATH=1.
export default class Up extends FlanctlCommand<AgentResult> {
  static override summary = 'Run the flannel agent in the foreground (flanneld, etcd mode).'
  static override description = 'Leases a subnet, programs the overlay (vxlan or host-gw), keeps the iptables rules, writes subnet.env, then tells systemd READY=1. Runs until SIGINT/SIGTERM (exit 0; the lease and the kernel state stay). Logs go to stderr, one line per event. flanneld spellings (-iface, --ip-masq=true) work too.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --etcd-endpoints http://10.0.0.5:2379 --iface eth1 --ip-masq',
    'FLANNELD_IFACE=eth1 <%= config.bin %> <%= command.id %> --healthz-port 8285 --log-format json',
  ]
  static override enableJsonFlag = false
  static override flags = upFlags

  private logFormat: LogFormat = 'plain'

  protected async execute(): Promise<AgentResult> {
    const argv = goFlagArgv(this.argv, upGoFlags)
    const {flags} = await this.parse(Up, argv)
    this.logFormat = flags['log-format']
    return runUp(flags, argv)
  }

  protected render(): string {
    return '' // everything was logged on stderr
  }

  override async catch(err: Error & {exitCode?: number}): Promise<void> {
    reportUpFailure(err, this.logFormat, chalk)
  }
}
