import {agentFlags, flagList, upGoFlags} from '../cli/agent-flags.js'
import {FlanctlCommand, toFlanctlError} from '../cli/base-command.js'
import {etcdFlags} from '../cli/etcd-flags.js'
import {goFlagArgv} from '../cli/go-flag-argv.js'
import {abortOnStopSignals} from '../cli/stop-signals.js'
import {storeFromFlags} from '../cli/store-from-flags.js'
import {createLogger, jsonLine, type LogFormat} from '../adapters/log/logger.js'
import type {AgentResult} from '../engine/agent.js'

export default class Up extends FlanctlCommand<AgentResult> {
  static override summary = 'Run the flannel agent in the foreground (flanneld, etcd mode).'
  static override description = 'Leases a subnet, programs the overlay (vxlan or host-gw), keeps the iptables rules, writes subnet.env, then tells systemd READY=1. Runs until SIGINT/SIGTERM (exit 0; the lease and the kernel state stay). Logs go to stderr, one line per event. flanneld spellings (-iface, --ip-masq=true) work too.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --etcd-endpoints http://10.0.0.5:2379 --iface eth1 --ip-masq',
    'FLANNELD_IFACE=eth1 <%= config.bin %> <%= command.id %> --healthz-port 8285 --log-format json',
  ]
  static override enableJsonFlag = false
  static override flags = {...etcdFlags, ...agentFlags}

  private logFormat: LogFormat = 'plain'

  protected async execute(): Promise<AgentResult> {
    const argv = goFlagArgv(this.argv, upGoFlags)
    const {flags} = await this.parse(Up, argv)
    this.logFormat = flags['log-format']
    const log = createLogger({format: flags['log-format']})
    const signal = abortOnStopSignals((name) => log.info('signal received', {signal: name}))
    // both loads are slow (etcd3 and grpc; execa): side by side
    const [store, {runAgentProcess}] = await Promise.all([storeFromFlags(flags, argv), import('../engine/agent-process.js')])
    return runAgentProcess(
      {
        subnetFile: flags['subnet-file'],
        ifaces: flagList(flags.iface, true),
        ifaceRegexes: flagList(flags['iface-regex']),
        publicIp: flags['public-ip'],
        ipMasq: flags['ip-masq'],
        renewMarginMinutes: flags['subnet-lease-renew-margin'],
        iptablesResyncSeconds: flags['iptables-resync'],
        iptablesForwardRules: flags['iptables-forward-rules'],
        healthzIp: flags['healthz-ip'],
        healthzPort: flags['healthz-port'],
      },
      {store, log, signal},
    )
  }

  protected render(): string {
    return '' // everything was logged on stderr
  }

  override async catch(err: Error & {exitCode?: number}): Promise<void> {
    const error = toFlanctlError(err)
    setTimeout(() => process.exit(error.exitCode), 1000).unref() // a stuck etcd connection must not keep a failed agent alive
    if (this.logFormat !== 'json') return super.catch(err)
    process.exitCode = error.exitCode
    process.stderr.write(`${jsonLine(new Date(), 'error', 'stopped', {code: error.code, error: error.message, hint: error.hint})}\n`)
  }
}
