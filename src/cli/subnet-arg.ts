// A subnet as people type it on the command line: "10.5.52.0/24", flannel's key spelling
// "10.5.52.0-24", or a whole lease key "/coreos.com/network/subnets/10.5.52.0-24".
import {FlanctlError} from '../core/errors.js'
import {nonHostIp4Reason} from '../core/host-ip4.js'
import {formatIp4, parseIp4, parseIp4Subnet} from '../core/ip4.js'
import {parseSubnetKey} from '../core/subnet-key.js'
import type {Ip4Net} from '../core/types.js'

export function subnetArg(text: string, what = 'SUBNET argument'): Ip4Net {
  const last = text.slice(text.lastIndexOf('/subnets/') >= 0 ? text.lastIndexOf('/subnets/') + '/subnets/'.length : 0)
  const parsed = last.includes('/') ? parseIp4Subnet(last) : parseSubnetKey(last.split('&')[0])
  if (parsed.ok) return 'subnet' in parsed.value ? parsed.value.subnet : parsed.value
  throw new FlanctlError('E_USAGE', `${what} ${JSON.stringify(text)}: ${parsed.error.message}`, {hint: 'Write a subnet as 10.5.52.0/24 (or 10.5.52.0-24, as in the etcd key).'})
}

export function ip4Arg(text: string, flag: string): string {
  const ip = parseIp4(text)
  if (ip === undefined) throw new FlanctlError('E_USAGE', `${flag} ${JSON.stringify(text)} is not an IPv4 address`)
  return formatIp4(ip)
}

/** A host's own address (a lease's PublicIP): E_USAGE for 0.0.0.0, broadcast, multicast, loopback. */
export function hostIp4Arg(text: string, flag: string): string {
  const ip = ip4Arg(text, flag)
  const reason = nonHostIp4Reason(parseIp4(ip)!)
  if (reason !== undefined) throw new FlanctlError('E_USAGE', `${flag} ${ip} is ${reason}, not a host's address: other hosts could not reach it`, {hint: 'Give the address other hosts reach this one at (its interface\'s IPv4 address, or the one in front of its NAT).'})
  return ip
}

/** `lease show|renew|release`: a SUBNET argument or --public-ip, exactly one. */
export function leaseSelector(subnet: string | undefined, publicIp: string | undefined): {subnet?: Ip4Net; publicIp?: string} {
  if ((subnet === undefined) === (publicIp === undefined)) {
    throw new FlanctlError('E_USAGE', subnet === undefined ? 'name the lease: a SUBNET argument or --public-ip' : 'give a SUBNET argument or --public-ip, not both')
  }
  return subnet !== undefined ? {subnet: subnetArg(subnet)} : {publicIp: ip4Arg(publicIp!, '--public-ip')}
}
