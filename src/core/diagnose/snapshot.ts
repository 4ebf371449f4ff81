// What `flanctl diagnose` gathered on a host, read-only, as plain data: the input of runChecks.
// Each part that may not be gatherable (no root, etcd away, a tool missing) is a Gathered value
// that says why it is absent. The engine (src/engine/diagnose) fills it with the agent's own
// code: its flags, interface choice, lease lookup, the backend's desired state and observe().
import type {EndpointReport} from '../endpoint-report.js'

export type Gathered<T> = {ok: true; value: T} | {ok: false; reason: string}

export interface DiagnoseOptions {
  prefix: string
  endpoints: string[]
  subnetFile: string
  ipMasq: boolean
  forwardRules: boolean
  renewMarginMinutes: number
  healthzIp: string
  healthzPort: number
  /** --peer as given */
  peer?: string
  probe: boolean
}

export interface ConfigPart {
  key: string
  /** the raw text; undefined when the key does not exist */
  text?: string
  /** flannel's rules' message when it does not decode */
  error?: string
  network?: string
  backendType?: string
  subnetLen?: number
  capacity?: number
  /** what `up` cannot run (udp today, EnableIPv6, ...) */
  unrunnable: string[]
  warnings: string[]
  /** prefixes (without /config) holding a flannel config, and a v2-API key, when the config is missing */
  elsewhere: string[]
  v2Key?: string
}

export interface LeaseFact {
  key: string
  subnet: string
  publicIp: string
  backendType: string
  vtepMac?: string
  /** seconds left; undefined: reservation or not asked */
  ttlSeconds?: number
  reservation: boolean
  /** inside the config's Network and between SubnetMin and SubnetMax */
  inRange: boolean
}

export interface LeasePart {
  /** this host's public IP, the agent's choice */
  publicIp: string
  leases: LeaseFact[]
  /** malformed keys or values, as the store reported them */
  warnings: string[]
  /** keys of the leases with our public IP, the one in use first (subnet.env's, else the first) */
  ownKeys: string[]
  /** subnet pairs that overlap: "198.18.1.0/24 and 198.18.1.0/25" */
  overlaps: string[]
}

export interface SubnetEnvPart {
  path: string
  /** undefined: the file does not exist */
  text?: string
  error?: string
  network?: string
  /** FLANNEL_SUBNET as the subnet (host bits masked) */
  subnet?: string
  mtu?: number
  ipMasq?: boolean
}

export interface InterfacePart {
  name: string
  mtu: number
  ifaceAddr: string
  publicIp: string
  onLinkSubnets: string[]
}

export interface HostPart {
  root: boolean
  /** interface choice by the agent's rules, or its error */
  external: Gathered<InterfacePart>
  /** /proc/sys values; undefined when unreadable */
  ipForward?: string
  /** rp_filter of all and of the devices that matter */
  rpFilter: Record<string, string>
  bridgeNfCallIptables?: string
  /** the kernel feature the backend needs (vxlan, tun) and whether this host has it */
  kernelFeature?: {name: string; present: boolean; evidence: string}
  /** `iptables --version`: "iptables v1.8.9 (nf_tables)" */
  iptablesVersion: Gathered<string>
  /** the other iptables variant's rules that mention flannel (rules split between legacy and nf_tables) */
  otherVariantFlannelRules: string[]
}

/** One rule of iptables-save -c, in its chain's order. */
export interface SavedRule {
  table: string
  chain: string
  /** words after -A <chain>, quoting removed */
  spec: string[]
  /** the line as saved, without the counter */
  text: string
  packets: number
  bytes: number
}

export interface FirewallPart {
  /** `iptables-save -c` of filter and nat */
  rules: SavedRule[]
  /** chain -> policy ("ACCEPT", "DROP") for the built-in chains of each table: "filter FORWARD" */
  policies: Record<string, string>
  /** problems of flannel's wanted rules, by the agent's own check (ruleProblems of wantedRules) */
  forwardRuleProblems: string[]
  masqRuleProblems: string[]
  /** the rules the agent keeps, rendered, for evidence */
  wanted: string[]
}

export interface DeviceFacts {
  [field: string]: string | number | boolean | undefined
}

export interface DevicePart {
  name: string
  expected: DeviceFacts
  /** undefined: no such device */
  actual?: DeviceFacts
  /** the command that fixes a field, where one is safe (mtu, up); others: restart the agent */
  fieldFixes: Record<string, string>
}

export type EntryState = 'ok' | 'missing' | 'wrong'

export interface PeerEntry {
  /** iproute2-like text of the wanted entry */
  want: string
  state: EntryState
  /** what the kernel has under the same identity, when wrong */
  have?: string
  /** `ip route replace ...` / `bridge fdb replace ...` */
  command?: string
}

export interface PeerFact {
  key: string
  subnet: string
  publicIp: string
  /** the address a probe over the overlay goes to */
  overlayIp?: string
  entries: PeerEntry[]
  /** the peer's public IP is inside one of our connected subnets */
  onLink: boolean
}

export interface DataplanePart {
  backendType: string
  /** the backend's own device (vxlan flannel.1, udp flannel0); host-gw has none */
  device?: DevicePart
  peers: PeerFact[]
  /** entries flanctl owns that no lease explains, with the command that removes each */
  stray: Array<{entry: string; command: string}>
  /** leases the backend had to skip */
  desiredWarnings: string[]
  /** what the peers' check cannot see (udp: the relay's table is in the agent's memory) */
  peersNote?: string
  /** the backend needs its peers on our L2 segment (host-gw) */
  needsL2: boolean
  /** underlay MTU the backend assumed, its overhead, the MTU it gives the overlay */
  underlayMtu: number
  overhead: number
  overlayMtu: number
  /** container bridges present (docker0, cni0): name, MTU, IPv4 addresses */
  bridges: Array<{name: string; mtu: number; addresses: string[]}>
  /** UDP port the encapsulation uses, and what carries it ("vxlan", "udp relay") */
  encapsulation?: {port: number; what: string}
}

export interface ProbeResult {
  /** which peer (lease subnet) */
  subnet: string
  target: string
  ok: boolean
  detail: string
}

export interface ProbePart {
  underlay: ProbeResult[]
  overlay: ProbeResult[]
  /** don't-fragment probes at FLANNEL_MTU over the overlay */
  pathMtu: ProbeResult[]
  /** size of the DF probes' IP packets */
  size: number
}

export interface AgentPart {
  /** `flanctl up` processes in this network namespace */
  pids: number[]
  /** /proc/<pid>/stat state of each: R, S, T (stopped: SIGSTOP), Z ... */
  states?: Record<string, string>
  healthz?: {url: string; status?: number; body?: string; error?: string}
  readyz?: {url: string; status?: number; body?: string; error?: string}
  /** /status as JSON, when the agent serves it */
  status?: Record<string, unknown>
}

export interface EtcdPart {
  /** description of the store: endpoints and prefix */
  description: string
  /** error of the first request, undefined when etcd answered */
  error?: {code: string; message: string}
  /** each endpoint probed on its own (DNS, TCP, TLS, auth, status), in parallel */
  endpoints?: EndpointReport[]
}

export interface DiagnoseSnapshot {
  /** epoch ms when gathered (passed in: core reads no clock) */
  now: number
  options: DiagnoseOptions
  etcd: EtcdPart
  config?: ConfigPart
  leases?: Gathered<LeasePart>
  subnetEnv: SubnetEnvPart
  host: HostPart
  firewall: Gathered<FirewallPart>
  dataplane?: Gathered<DataplanePart>
  probes?: Gathered<ProbePart>
  agent: Gathered<AgentPart>
}
