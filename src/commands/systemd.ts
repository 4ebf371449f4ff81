import {defineCommand} from '../cli/command-definition.js'
import {etcdFlags} from '../cli/etcd-flags.js'
import {renderSystemdFiles, systemdUpArgs, type SystemdView} from '../cli/systemd-view.js'
import {DEFAULT_COMBINED_KEY, DEFAULT_DOCKER_OPTS_FILE} from '../core/docker-opts.js'
import {DEFAULT_SUBNET_FILE} from '../core/subnet-env.js'
import {extraUpArgs} from '../cli/systemd-extra-up-args.js'
import {notExecutableReason} from '../engine/executable-check.js'
import {renderSystemdUnits, writeSystemdUnits} from '../engine/systemd-units.js'

export default defineCommand({
  summary: 'Generate a systemd unit running `flanctl up` (Type=notify) and a docker drop-in that reads the docker options.',
  description: 'flanctl.service runs `flanctl up` with the etcd flags given here, then `flanctl docker-opts`; docker.service.d/flanctl.conf starts docker after it with $DOCKER_OPTS. Any other `flanctl up` flag goes after `--` and is checked with up\'s flags. --etcd-password is never written into a unit: put FLANNELD_ETCD_PASSWORD in the environment file instead. A usage or config error of `up` (exit 2, 3) does not restart the unit; an unreachable etcd does.',
  examples: [
    '<%= config.bin %> <%= command.id %> --dry-run --etcd-endpoints https://10.0.0.5:2379 --etcd-cafile /etc/flanctl/ca.pem',
    '<%= config.bin %> <%= command.id %> --iface eth1 --ip-masq && systemctl daemon-reload && systemctl enable --now flanctl',
    '<%= config.bin %> <%= command.id %> --dry-run -- --iface-regex \'^eth\' --healthz-port 8285 --log-format json',
  ],
  strict: false,
  flags: {
    dir: {type: 'string', description: 'Directory to write the unit and the drop-in into.', default: '/etc/systemd/system'},
    'dry-run': {type: 'boolean', default: false, description: 'Print the files, write nothing.'},
    exec: {type: 'string', description: 'Absolute path of the flanctl executable the units run (default: this one).'},
    'unit-name': {type: 'string', description: 'Name of the unit.', default: 'flanctl.service'},
    iface: {type: 'string', description: 'flanctl up --iface (repeatable).', multiple: true},
    'public-ip': {type: 'string', description: 'flanctl up --public-ip.'},
    'ip-masq': {type: 'boolean', default: false, description: 'flanctl up --ip-masq.'},
    'subnet-file': {type: 'string', description: 'subnet.env that flanctl up writes and docker-opts reads.', default: DEFAULT_SUBNET_FILE},
    'docker-opts-file': {type: 'string', description: 'The docker options file (docker-opts -d).', default: DEFAULT_DOCKER_OPTS_FILE},
    'docker-opts-key': {type: 'string', description: 'The variable dockerd reads (docker-opts -k).', default: DEFAULT_COMBINED_KEY},
    dockerd: {type: 'string', description: 'dockerd command line the drop-in runs with the options; "" keeps docker\'s own ExecStart.', allowEmpty: true, default: '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock'},
    'environment-file': {type: 'string', description: 'Optional file of FLANNELD_* variables the unit reads.', default: '/etc/default/flanctl'},
    ...etcdFlags,
  },
  async run({flags, argv, cli, warn}): Promise<SystemdView> {
    const {upArgs, warnings} = systemdUpArgs(flags)
    upArgs.push(...extraUpArgs(upArgs, argv))
    for (const warning of warnings) warn(warning)
    const exec = flags.exec ?? process.argv[1]
    const notRunnable = exec.startsWith('/') ? await notExecutableReason(exec) : undefined
    if (notRunnable !== undefined) warn(`--exec ${exec} ${notRunnable} on this machine: the unit will fail to start unless it is there on the machine that runs it`)
    const files = await renderSystemdUnits({
      version: cli.version,
      exec,
      unitName: flags['unit-name'],
      upArgs,
      subnetFile: flags['subnet-file'],
      dockerOptsFile: flags['docker-opts-file'],
      dockerOptsKey: flags['docker-opts-key'],
      dockerd: flags.dockerd,
      environmentFile: flags['environment-file'],
    })
    const written = flags['dry-run'] ? [] : await writeSystemdUnits(flags.dir, files)
    return {dryRun: flags['dry-run'], dir: flags.dir, files, written}
  },
  render: (result, {paint}) => renderSystemdFiles(result, paint),
})
