// Reading interfaces and the default route inside a namespace, and choosing the external
// interface from them as flanneld does.
import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {createNetnsSandbox, requireRoot, type NetnsSandbox} from '../../helpers/netns.js'
import {defaultRouteInterface, findExternalInterface, listInterfaces, readInterface} from '../../../src/adapters/iproute2/index.js'
import {formatIp4, formatIp4Net} from '../../../src/core/ip4.js'
import {FlanctlError} from '../../../src/core/errors.js'

requireRoot('the iproute2 interface tests')

describe('iproute2 interfaces', () => {
  let sb: NetnsSandbox
  let h: string
  let bare: string
  before(async () => {
    sb = createNetnsSandbox('dp')
    h = await sb.addNetns('if')
    bare = await sb.addNetns('bare')
    const peer = await sb.addNetns('ifp')
    await sb.addVeth({netns: h, name: 'eth0', cidr: '203.0.113.10/24', mtu: 1400}, {netns: peer, name: 'eth0'})
    await sb.addVeth({netns: h, name: 'eth1', cidr: '198.51.100.7/24'}, {netns: peer, name: 'eth1'})
    await sb.ip(h, 'addr', 'add', '203.0.113.11/24', 'dev', 'eth0')
    await sb.ip(h, 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'eth1')
  })
  after(async () => {
    await sb?.destroy()
  })

  it('lists interfaces with MTU and IPv4 addresses (primary, then secondary)', async () => {
    const interfaces = await listInterfaces({netns: h})
    const eth0 = interfaces.find((i) => i.name === 'eth0')
    assert.ok(eth0)
    assert.equal(eth0.mtu, 1400)
    assert.equal(eth0.up, true)
    assert.match(eth0.mac ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
    assert.deepEqual(eth0.addresses.map((a) => `${formatIp4(a.ip)}/${a.prefixLen}${a.secondary ? ' secondary' : ''}`), ['203.0.113.10/24', '203.0.113.11/24 secondary'])
    assert.ok(interfaces.some((i) => i.name === 'lo'))
  })

  it('reads one interface by name or by address', async () => {
    assert.equal((await readInterface('eth1', {netns: h}))?.name, 'eth1')
    assert.equal((await readInterface('203.0.113.11', {netns: h}))?.name, 'eth0')
    assert.equal(await readInterface('nope0', {netns: h}), undefined)
  })

  it("finds the default route's interface", async () => {
    assert.equal(await defaultRouteInterface({netns: h}), 'eth1')
    assert.equal(await defaultRouteInterface({netns: bare}), undefined)
  })

  it('chooses the external interface: default route, --iface, --iface-regex, --public-ip', async () => {
    const byDefault = await findExternalInterface({netns: h})
    assert.deepEqual(
      {name: byDefault.name, addr: formatIp4(byDefault.ifaceAddr), mtu: byDefault.mtu, onLink: byDefault.onLinkSubnets.map(formatIp4Net)},
      {name: 'eth1', addr: '198.51.100.7', mtu: 1500, onLink: ['198.51.100.0/24']},
    )
    const byName = await findExternalInterface({netns: h, iface: ['eth0'], publicIp: '100.64.0.9'})
    assert.deepEqual([byName.name, formatIp4(byName.ifaceAddr), formatIp4(byName.publicIp), byName.mtu], ['eth0', '203.0.113.10', '100.64.0.9', 1400])
    const byIp = await findExternalInterface({netns: h, iface: ['203.0.113.11']})
    assert.deepEqual([byIp.name, formatIp4(byIp.ifaceAddr)], ['eth0', '203.0.113.11'])
    const byRegex = await findExternalInterface({netns: h, ifaceRegex: ['^203\\.0\\.113\\.']})
    assert.equal(byRegex.name, 'eth0')
  })

  it('fails with E_USAGE and a hint when nothing fits', async () => {
    await assert.rejects(findExternalInterface({netns: bare}), (error: unknown) => {
      assert.ok(error instanceof FlanctlError)
      assert.equal(error.code, 'E_USAGE')
      assert.match(error.message, /no default route/)
      assert.match(error.hint ?? '', /--iface/)
      return true
    })
    await assert.rejects(findExternalInterface({netns: h, iface: ['wlan0']}), /no interface named wlan0/)
  })
})
