// Shared bits of the etcd adapter tests: lease values, subnets, a recording watch sink.
import {parseIp4Net} from '../../../src/core/ip4.js'
import {decodeNetworkConfig} from '../../../src/backends/network-config.js'
import type {LeaseList, LeaseWatchSink} from '../../../src/core/ports.js'
import type {Ip4Net, Lease, LeaseAttrs, NetworkConfig} from '../../../src/core/types.js'

export const PREFIX = '/coreos.com/network'

export function net(text: string): Ip4Net {
  const parsed = parseIp4Net(text)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.value
}

export function networkConfig(json: string): NetworkConfig {
  const decoded = decodeNetworkConfig(json, 'test')
  if (!decoded.ok) throw new Error(decoded.error.message)
  return decoded.value
}

export function vxlanAttrs(publicIp: string, vtepMac = '0a:58:c0:00:02:0b'): LeaseAttrs {
  return {publicIp, publicIpv6: null, backendType: 'vxlan', backendData: {VNI: 1, VtepMAC: vtepMac}}
}

/** flanneld's exact bytes for vxlanAttrs(publicIp, vtepMac) */
export function flannelValue(publicIp: string, vtepMac = '0a:58:c0:00:02:0b'): string {
  return `{"PublicIP":"${publicIp}","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"${vtepMac}"}}`
}

export type WatchEvent =
  | {type: 'put'; lease: Lease}
  | {type: 'delete'; key: string}
  | {type: 'warning'; message: string}
  | {type: 'resync'; list: LeaseList}
  | {type: 'error'; error: Error}

/** Records every call; `next(predicate)` waits for a matching event (the test's own timeout bounds the wait). */
export class RecordingSink implements LeaseWatchSink {
  readonly events: WatchEvent[] = []
  private waiters: Array<{match: (e: WatchEvent) => boolean; resolve: (e: WatchEvent) => void}> = []

  onPut(lease: Lease): void { this.push({type: 'put', lease}) }
  onDelete(key: string): void { this.push({type: 'delete', key}) }
  onWarning(message: string): void { this.push({type: 'warning', message}) }
  onResync(list: LeaseList): void { this.push({type: 'resync', list}) }
  onError(error: Error): void { this.push({type: 'error', error}) }

  /** the first event from index `from` on that matches, now or when it arrives */
  next<T extends WatchEvent['type']>(type: T, match: (e: Extract<WatchEvent, {type: T}>) => boolean = () => true, from = 0): Promise<Extract<WatchEvent, {type: T}>> {
    const test = (e: WatchEvent) => e.type === type && match(e as Extract<WatchEvent, {type: T}>)
    const found = this.events.slice(from).find(test)
    if (found) return Promise.resolve(found as Extract<WatchEvent, {type: T}>)
    return new Promise((resolve) => this.waiters.push({match: test, resolve: resolve as (e: WatchEvent) => void}))
  }

  private push(event: WatchEvent): void {
    this.events.push(event)
    const ready = this.waiters.filter((w) => w.match(event))
    this.waiters = this.waiters.filter((w) => !w.match(event))
    for (const w of ready) w.resolve(event)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
