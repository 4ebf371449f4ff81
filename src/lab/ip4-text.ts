// The few IPv4 conversions the lab needs (dotted text <-> unsigned 32-bit number). Kept local
// so the lab only depends on text it reads back from ip, etcdctl and subnet.env.
function ip4ToNumber(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = value * 256 + octet
  }
  return value
}

export function numberToIp4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

export interface Cidr {
  ip: number
  prefixLen: number
}

/** "198.18.5.1/24" -> {ip: 198.18.5.0, prefixLen: 24} (host bits masked). */
export function parseCidr(text: string): Cidr | undefined {
  const [address, len] = text.split('/')
  if (address === undefined || len === undefined || !/^\d{1,2}$/.test(len)) return undefined
  const ip = ip4ToNumber(address)
  const prefixLen = Number(len)
  if (ip === undefined || prefixLen > 32) return undefined
  return {ip: maskOf(ip, prefixLen), prefixLen}
}

export function formatCidr(cidr: Cidr): string {
  return `${numberToIp4(cidr.ip)}/${cidr.prefixLen}`
}

function maskOf(ip: number, prefixLen: number): number {
  return prefixLen === 0 ? 0 : (ip & (~0 << (32 - prefixLen))) >>> 0
}

/** "198.18.5.0/24" -> "198.18.5.0-24", the lease key's last part. */
export function subnetKeyOf(cidr: Cidr): string {
  return `${numberToIp4(cidr.ip)}-${cidr.prefixLen}`
}

export function parseSubnetKey(text: string): Cidr | undefined {
  const match = /^(\d+\.\d+\.\d+\.\d+)-(\d+)$/.exec(text)
  return match ? parseCidr(`${match[1]}/${match[2]}`) : undefined
}
