// A host set up by hand the way flanneld does it: lease written with etcdctl (flannel's exact
// JSON, an etcd lease of 86400 s), its vxlan device, masquerade rules and subnet.env made with
// ip / iptables-restore, and its peers programmed with one ip -batch and one bridge -batch.
import {mkdir, rename, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {runInNetns} from '../adapters/netns/run-command.js'
import type {LabHost, LabState} from './lab-state.js'
import {etcdctl, etcdGrantLease} from './lab-etcdctl.js'
import {readLabLeases} from './lab-leases.js'
import {formatCidr, parseCidr, subnetKeyOf, type Cidr} from './ip4-text.js'
import {firstFreeSubnet, iptablesRestorePayload, leaseValue, overlayMtu, peerEntries, randomVtepMac, subnetEnvText, vxlanDeviceLines} from './flannel-by-hand.js'
import {bridgeBatch, ipBatch} from './netns-batch.js'

const LEASE_TTL_SECONDS = 86400
const UNDERLAY_MTU = 1500

/** Acquires a subnet and programs the host itself (not its peers yet). Records the subnet and MTU on `host`. */
export async function setUpManualHost(state: LabState, host: LabHost): Promise<void> {
  const network = parseCidr(state.network)
  if (network === undefined) throw new Error(`lab network ${state.network} is not a CIDR`)
  const leases = await readLabLeases(state)
  const own = leases.find((lease) => lease.publicIp === host.publicIp)
  const subnet = own?.subnet ?? firstFreeSubnet(network, state.subnetLen, leases.map((lease) => lease.subnet))
  if (subnet === undefined) throw new Error(`out of subnets in ${state.network} for hand-made host ${host.name}`)
  const vtepMac = own?.vtepMac ?? randomVtepMac()
  const backend = state.backend
  const leaseHex = await etcdGrantLease(state, LEASE_TTL_SECONDS)
  const key = `${state.etcdPrefix}/subnets/${subnetKeyOf(subnet)}`
  await etcdctl(state, ['put', `--lease=${leaseHex}`, key, leaseValue(host.publicIp, backend, vtepMac)])

  const mtu = overlayMtu(backend, UNDERLAY_MTU)
  if (backend === 'vxlan') await ipBatch(host.netns, vxlanDeviceLines(host.publicIp, host.iface, vtepMac, mtu, subnet))
  await runInNetns(host.netns, 'iptables-restore', ['--noflush'], {input: iptablesRestorePayload(network, subnet)})
  await writeSubnetEnvAtomically(host.subnetFile, subnetEnvText(network, subnet, mtu, true))
  host.subnet = formatCidr(subnet)
  host.mtu = mtu
}

/** Programs every other lease of the lab's backend on a hand-made host (one reconcile, no watch). */
export async function syncManualHostPeers(state: LabState, host: LabHost): Promise<number> {
  const own = host.subnet === undefined ? undefined : parseCidr(host.subnet)
  const peers = (await readLabLeases(state)).filter((lease) => !sameCidr(lease.subnet, own))
  const entries = peerEntries(state.backend, peers, host.iface)
  await ipBatch(host.netns, entries.ip)
  await bridgeBatch(host.netns, entries.bridge)
  return peers.length
}

function sameCidr(a: Cidr, b: Cidr | undefined): boolean {
  return b !== undefined && a.ip === b.ip && a.prefixLen === b.prefixLen
}

async function writeSubnetEnvAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), {recursive: true})
  const temp = join(dirname(file), `.subnet.env.${process.pid}.tmp`)
  await writeFile(temp, text, {mode: 0o644})
  await rename(temp, file)
}
