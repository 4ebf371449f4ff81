// Reads a host's subnet.env the way docker's --bip/--mtu would use it. Part of the reference:
// its own parser, so a flanctl bug in writing the file cannot cancel out in reading it.
import {readFile} from 'node:fs/promises'
import {parseCidr, type Cidr} from './ip4-text.js'

export interface HostSubnetEnv {
  vars: Record<string, string>
  network: Cidr
  /** FLANNEL_SUBNET as written: the subnet's first address with the prefix length, e.g. 198.18.23.1/24 */
  subnetText: string
  /** first address as a number (the docker0 address) */
  gatewayIp: number
  subnet: Cidr
  mtu: number
  ipMasq: boolean
}

function parseHostSubnetEnv(text: string, source: string): HostSubnetEnv {
  const vars: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (match?.[1] !== undefined && match[2] !== undefined) vars[match[1]] = match[2]
  }
  const network = parseCidr(vars.FLANNEL_NETWORK ?? '')
  const subnetText = vars.FLANNEL_SUBNET ?? ''
  const subnet = parseCidr(subnetText)
  const mtu = Number(vars.FLANNEL_MTU)
  if (network === undefined || subnet === undefined || !Number.isInteger(mtu) || mtu <= 0) {
    throw new Error(`${source} lacks a valid FLANNEL_NETWORK, FLANNEL_SUBNET or FLANNEL_MTU: ${JSON.stringify(vars)}`)
  }
  const [address] = subnetText.split('/')
  const gatewayIp = parseCidr(`${address}/32`)?.ip ?? subnet.ip + 1
  return {vars, network, subnetText, gatewayIp, subnet, mtu, ipMasq: vars.FLANNEL_IPMASQ === 'true'}
}

export async function readHostSubnetEnv(file: string): Promise<HostSubnetEnv | undefined> {
  try {
    return parseHostSubnetEnv(await readFile(file, 'utf8'), file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

