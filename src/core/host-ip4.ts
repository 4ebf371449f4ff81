// Whether an IPv4 address can be a host's own unicast address (a lease's PublicIP): not
// unspecified, loopback, multicast, the limited broadcast or the reserved class E.

/** What the address is instead of a host's unicast address; undefined when it can be one. */
export function nonHostIp4Reason(ip: number): string | undefined {
  if (ip === 0) return 'the unspecified address'
  if (ip === 0xffffffff) return 'the broadcast address'
  const first = Math.floor(ip / 0x1000000)
  if (first === 0) return 'in 0.0.0.0/8 ("this network")'
  if (first === 127) return 'a loopback address'
  if (first >= 224 && first <= 239) return 'a multicast address'
  if (first >= 240) return 'in the reserved range 240.0.0.0/4'
  return undefined
}
