// How flanctl marks the kernel entries it installs, so that observe() sees only its own (an
// administrator's `proto static` route or permanent neighbour is never touched) across restarts:
// routes and neighbours carry the protocol number 151, which neither iproute2's rt_protos nor
// the kernel's RTPROT_* use, nor flanneld (it installs routes as `proto boot`, neighbours with
// none). flanneld's entries are thus not flanctl's: a flanctl host replaces the ones it wants
// and leaves the others. fdb entries have no protocol: vxlan owns those whose MAC is the lladdr
// of one of its marked neighbours (vxlan/dataplane.ts).

/** `ip route ... proto 151`, `ip neigh ... protocol 151` */
export const FLANCTL_PROTOCOL = 151

/** `ip -j` prints the number, or a name when /etc/iproute2/rt_protos.d gives it one */
export function isFlanctlProtocol(value: unknown): boolean {
  return value === String(FLANCTL_PROTOCOL) || value === FLANCTL_PROTOCOL || value === 'flanctl'
}
