import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {configWarnings, decodeNetworkConfig, encodeNetworkConfig} from '../../src/backends/network-config.js'
import {ipv6SubnetCapacity, subnetCapacity} from '../../src/core/network-config.js'
import {formatIp4, formatIp4Net} from '../../src/core/ip4.js'
import {formatIp6, formatIp6Net} from '../../src/core/ip6.js'
import type {NetworkConfig} from '../../src/core/types.js'

const SRC = 'etcd key /coreos.com/network/config'

function decoded(text: string): NetworkConfig {
  const r = decodeNetworkConfig(text, SRC)
  assert.ok(r.ok, r.ok ? '' : r.error.message)
  return r.value
}

function summary(cfg: NetworkConfig) {
  return {
    network: cfg.network && formatIp4Net(cfg.network),
    subnetLen: cfg.subnetLen,
    subnetMin: formatIp4(cfg.subnetMin),
    subnetMax: formatIp4(cfg.subnetMax),
  }
}

// flannel's pkg/subnet/config_test.go, ported
test('flannel TestConfigDefaults / TestConfigOverrides', () => {
  assert.deepEqual(summary(decoded('{ "network": "10.3.0.0/16" }')), {
    network: '10.3.0.0/16', subnetLen: 24, subnetMin: '10.3.1.0', subnetMax: '10.3.255.0',
  })
  assert.deepEqual(summary(decoded('{ "Network": "10.3.0.0/16", "SubnetMin": "10.3.5.0", "SubnetMax": "10.3.8.0", "SubnetLen": 28 }')), {
    network: '10.3.0.0/16', subnetLen: 28, subnetMin: '10.3.5.0', subnetMax: '10.3.8.0',
  })
})

test('flannel TestIPv6ConfigDefaults / TestIPv6ConfigOverrides', () => {
  const cases: Array<[string, string, number, string, string]> = [
    ['{ "enableIPv6": true, "ipv6Network": "fc00::/48", "enableIPv4": false }', 'fc00::/48', 64, 'fc00:0:0:1::', 'fc00:0:0:ffff::'],
    [
      '{ "EnableIPv6": true, "IPv6Network": "fc00::/48", "IPv6SubnetMin": "fc00:0:0:1::", "IPv6SubnetMax": "fc00:0:0:f::", "IPv6SubnetLen": 124, "enableIPv4": false }',
      'fc00::/48', 124, 'fc00:0:0:1::', 'fc00:0:0:f::',
    ],
  ]
  for (const [text, network, len, min, max] of cases) {
    const cfg = decoded(text)
    assert.equal(formatIp6Net(cfg.ipv6Network!), network)
    assert.equal(cfg.ipv6SubnetLen, len)
    assert.equal(formatIp6(cfg.ipv6SubnetMin!), min)
    assert.equal(formatIp6(cfg.ipv6SubnetMax!), max)
    assert.equal(cfg.enableIPv4, false)
  }
})

test('defaults and normalisation', () => {
  const table: Array<[string, ReturnType<typeof summary>]> = [
    ['{"Network":"10.3.1.7/16"}', {network: '10.3.0.0/16', subnetLen: 24, subnetMin: '10.3.1.0', subnetMax: '10.3.255.0'}],
    ['{"Network":"10.0.0.0/8"}', {network: '10.0.0.0/8', subnetLen: 24, subnetMin: '10.0.1.0', subnetMax: '10.255.255.0'}],
    ['{"Network":"10.1.0.0/22"}', {network: '10.1.0.0/22', subnetLen: 24, subnetMin: '10.1.1.0', subnetMax: '10.1.3.0'}],
    ['{"Network":"10.1.0.0/23"}', {network: '10.1.0.0/23', subnetLen: 25, subnetMin: '10.1.0.128', subnetMax: '10.1.1.128'}],
    ['{"Network":"10.1.0.0/28"}', {network: '10.1.0.0/28', subnetLen: 30, subnetMin: '10.1.0.4', subnetMax: '10.1.0.12'}],
    ['{"Network":"255.255.0.0/16"}', {network: '255.255.0.0/16', subnetLen: 24, subnetMin: '255.255.1.0', subnetMax: '255.255.255.0'}],
    ['{"Network":"0.0.0.0/8"}', {network: '0.0.0.0/8', subnetLen: 24, subnetMin: '0.0.1.0', subnetMax: '0.255.255.0'}],
    ['{"Network":"10.1.0.0/16","SubnetMin":"0.0.0.0"}', {network: '10.1.0.0/16', subnetLen: 24, subnetMin: '10.1.1.0', subnetMax: '10.1.255.0'}],
    ['{"NETWORK":"10.1.0.0/16","subnetlen":26}', {network: '10.1.0.0/16', subnetLen: 26, subnetMin: '10.1.0.64', subnetMax: '10.1.255.192'}],
    // case-insensitive keys: the last one wins, as in Go
    ['{"Network":"10.9.0.0/16","network":"10.1.0.0/16"}', {network: '10.1.0.0/16', subnetLen: 24, subnetMin: '10.1.1.0', subnetMax: '10.1.255.0'}],
    // unknown keys are ignored
    ['{"Network":"10.1.0.0/16","Foo":[1,2],"BackendType":"x"}', {network: '10.1.0.0/16', subnetLen: 24, subnetMin: '10.1.1.0', subnetMax: '10.1.255.0'}],
    // Min > Max is accepted (allocation fails later)
    ['{"Network":"10.1.0.0/16","SubnetMin":"10.1.9.0","SubnetMax":"10.1.3.0"}', {network: '10.1.0.0/16', subnetLen: 24, subnetMin: '10.1.9.0', subnetMax: '10.1.3.0'}],
  ]
  for (const [text, want] of table) assert.deepEqual(summary(decoded(text)), want, text)
})

test("flannel's rules, in its order, with its messages", () => {
  const table: Array<[string, string]> = [
    ['{}', 'please define a correct Network parameter in the flannel config'],
    ['{"Network":"0.0.0.0/0"}', 'please define a correct Network parameter in the flannel config'],
    ['{"SubnetLen":31}', 'please define a correct Network parameter in the flannel config'],
    ['{"Network":"10.1.0.0/16","SubnetLen":31}', 'SubnetLen must be less than /31'],
    ['{"Network":"10.1.0.0/16","SubnetLen":32}', 'SubnetLen must be less than /31'],
    ['{"Network":"10.1.0.0/16","SubnetLen":17}', 'network must be able to accommodate at least four subnets'],
    ['{"Network":"10.1.0.0/16","SubnetLen":8}', 'network must be able to accommodate at least four subnets'],
    ['{"Network":"10.1.0.0/29"}', 'network is too small. Minimum useful network prefix is /28'],
    ['{"Network":"10.1.0.0/32"}', 'network is too small. Minimum useful network prefix is /28'],
    ['{"Network":"10.1.0.0/16","SubnetMin":"10.2.0.0"}', 'SubnetMin is not in the range of the Network'],
    ['{"Network":"10.1.0.0/16","SubnetMax":"10.2.0.0"}', 'SubnetMax is not in the range of the Network'],
    ['{"Network":"10.1.0.0/16","SubnetMin":"10.2.0.0","SubnetMax":"10.3.0.0"}', 'SubnetMin is not in the range of the Network'],
    ['{"Network":"10.1.0.0/16","SubnetMin":"10.1.5.1"}', 'SubnetMin is not on a SubnetLen boundary: 10.1.5.1'],
    ['{"Network":"10.1.0.0/16","SubnetMax":"10.1.5.1"}', 'SubnetMax is not on a SubnetLen boundary: 10.1.5.1'],
    // range checks come before boundary checks
    ['{"Network":"10.1.0.0/16","SubnetMin":"10.1.5.1","SubnetMax":"10.9.0.0"}', 'SubnetMax is not in the range of the Network'],
    ['{"EnableIPv6":true,"IPv6Network":"::/0"}', 'please define a correct Network parameter in the flannel config'],
    ['{"EnableIPv4":false,"EnableIPv6":true}', 'please define a correct IPv6Network parameter in the flannel config'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"::/0"}', 'please define a correct IPv6Network parameter in the flannel config'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/48","IPv6SubnetLen":127}', 'SubnetLen must be less than /127'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/48","IPv6SubnetLen":49}', 'network must be able to accommodate at least four subnets'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/125"}', 'IPv6Network is too small. Minimum useful network prefix is /124'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/48","IPv6SubnetMin":"fd00::"}', 'IPv6SubnetMin is not in the range of the IPv6Network'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/48","IPv6SubnetMax":"fd00::"}', 'IPv6SubnetMax is not in the range of the IPv6Network'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/48","IPv6SubnetMin":"fc00:0:0:1::1"}', 'IPv6SubnetMin is not on a SubnetLen boundary: fc00:0:0:1::1'],
    ['{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/48","IPv6SubnetMax":"fc00:0:0:1::1"}', 'IPv6SubnetMax is not on a SubnetLen boundary: fc00:0:0:1::1'],
    // decoding errors (Go's json.Unmarshal) come before any rule
    ['{"Network":"10.1.0.0/16","SubnetLen":"24"}', 'SubnetLen: expected a whole number >= 0, got "24"'],
    ['{"Network":"10.1.0.0/16","SubnetLen":-1}', 'SubnetLen: expected a whole number >= 0, got -1'],
    ['{"Network":"10.1.0.0/16","SubnetLen":24.5}', 'SubnetLen: expected a whole number >= 0, got 24.5'],
    ['{"Network":"10.1.0.0"}', 'Network: invalid IPv4 CIDR "10.1.0.0"'],
    ['{"Network":null}', 'Network: invalid IPv4 CIDR null'],
    ['{"Network":"fc00::/48"}', 'Network: invalid IPv4 CIDR "fc00::/48"'],
    ['{"Network":16}', 'Network: invalid IPv4 CIDR 16'],
    ['{"Network":"10.1.0.0/16","SubnetMin":"10.1.300.0"}', 'SubnetMin: invalid IPv4 address "10.1.300.0"'],
    ['{"Network":"10.1.0.0/16","SubnetMax":null}', 'SubnetMax: invalid IPv4 address null'],
    ['{"Network":"10.1.0.0/16","EnableIPv4":"yes"}', 'EnableIPv4: expected true or false, got "yes"'],
    ['{"SubnetLen":"x"}', 'SubnetLen: expected a whole number >= 0'],
    ['{"Network":"10.1.0.0/16","IPv6Network":"10.0.0.0/8"}', 'IPv6Network: invalid IPv6 CIDR "10.0.0.0/8"'],
    ['{"Backend":"vxlan"}', 'error decoding Backend property of config'],
    ['{"Backend":{"Type":1}}', 'error decoding Backend property of config: Backend.Type: expected a string, got 1'],
    // backend options are read after the network rules
    ['{"Backend":{"Type":"vxlan","VNI":"x"}}', 'please define a correct Network parameter in the flannel config'],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","VNI":"x"}}', 'Backend.VNI: expected a whole number >= 0, got "x"'],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","VNI":16777216}}', 'Backend.VNI: 16777216 is out of range'],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","Port":70000}}', 'Backend.Port: 70000 is out of range'],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","DirectRouting":"true"}}', 'DirectRouting: expected true or false, got "true"'],
    ['{"Network":"10.1.0.0/16","Backend":{}}', 'Backend.Type: missing'],
    ['{"Network":"10.1.0.0/16","Backend":null}', 'Backend: is null'],
    ['{"EnableIPv4":false}', 'EnableIPv4 and EnableIPv6 are both false'],
  ]
  for (const [text, message] of table) {
    const r = decodeNetworkConfig(text, SRC)
    assert.ok(!r.ok, `${text} should be rejected`)
    assert.equal(r.error.code, 'E_INVALID_CONFIG', text)
    assert.ok(r.error.message.startsWith(`${SRC}: ${message}`), `${text}\n got: ${r.error.message}\nwant: ${message}`)
  }
})

test('unparseable JSON is E_BAD_DATA naming the source; non-objects are invalid configs', () => {
  for (const text of ['', '{', '{"Network": 10.1.0.0/16}', 'Network=10.1.0.0/16']) {
    const r = decodeNetworkConfig(text, '--file net.json')
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'E_BAD_DATA')
    assert.match(r.error.message, /^--file net\.json: not valid JSON/)
  }
  for (const text of ['[]', 'null', '"10.1.0.0/16"', '42']) {
    const r = decodeNetworkConfig(text, 'x')
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'E_INVALID_CONFIG')
    assert.match(r.error.message, /^x: the network config must be a JSON object/)
  }
})

test('backends: absent is udp; defaults per type; type lower-cased; unknown options kept', () => {
  const table: Array<[string, Partial<NetworkConfig['backend']>]> = [
    ['{"Network":"10.1.0.0/16"}', {type: 'udp', port: 8285, vni: 0, raw: {}}],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"udp"}}', {type: 'udp', port: 8285}],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"udp","Port":9000}}', {type: 'udp', port: 9000}],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan"}}', {type: 'vxlan', vni: 1, port: 0, directRouting: false, mtu: 0, raw: {}}],
    ['{"Network":"10.1.0.0/16","Backend":{"type":"VXLAN","vni":42,"port":4789,"directrouting":true,"GBP":true}}',
      {type: 'vxlan', vni: 42, port: 4789, directRouting: true, raw: {GBP: true}}],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","VNI":0}}', {type: 'vxlan', vni: 0}],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"host-gw"}}', {type: 'host-gw', port: 0, raw: {}}],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"wireguard","PSK":"x"}}', {type: 'wireguard', raw: {PSK: 'x'}}],
  ]
  for (const [text, want] of table) {
    const backend = decoded(text).backend
    for (const [k, v] of Object.entries(want)) assert.deepEqual(backend[k as keyof typeof backend], v, `${text} ${k}`)
  }
})

test('decode returns a new object each time', () => {
  const text = '{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","GBP":true}}'
  const a = decoded(text)
  const b = decoded(text)
  assert.notEqual(a, b)
  assert.notEqual(a.backend.raw, b.backend.raw)
  assert.deepEqual(a, b)
})

test('encodeNetworkConfig: canonical flannel field names', () => {
  const table: Array<[string, string]> = [
    ['{"network":"10.3.1.7/16"}', '{"Network":"10.3.0.0/16","SubnetLen":24,"SubnetMin":"10.3.1.0","SubnetMax":"10.3.255.0","Backend":{"Type":"udp","Port":8285}}'],
    ['{"Network":"10.5.0.0/16","Backend":{"type":"vxlan","directrouting":true,"GBP":true}}',
      '{"Network":"10.5.0.0/16","SubnetLen":24,"SubnetMin":"10.5.1.0","SubnetMax":"10.5.255.0","Backend":{"Type":"vxlan","VNI":1,"DirectRouting":true,"GBP":true}}'],
    ['{"Network":"10.5.0.0/16","EnableIPv6":true,"IPv6Network":"fc00::/48","EnableNFTables":true,"Backend":{"Type":"host-gw"}}',
      '{"Network":"10.5.0.0/16","SubnetLen":24,"SubnetMin":"10.5.1.0","SubnetMax":"10.5.255.0","EnableIPv6":true,"IPv6Network":"fc00::/48","IPv6SubnetLen":64,"IPv6SubnetMin":"fc00:0:0:1::","IPv6SubnetMax":"fc00:0:0:ffff::","EnableNFTables":true,"Backend":{"Type":"host-gw"}}'],
  ]
  for (const [text, want] of table) assert.equal(encodeNetworkConfig(decoded(text)), want)
  // a "__proto__" option is data like any other
  const proto = '{"Network":"10.5.0.0/16","SubnetLen":24,"SubnetMin":"10.5.1.0","SubnetMax":"10.5.255.0","Backend":{"Type":"host-gw","__proto__":{"x":1}}}'
  assert.equal(encodeNetworkConfig(decoded(proto)), proto)
})

test('subnetCapacity and configWarnings', () => {
  const table: Array<[string, number, RegExp[]]> = [
    ['{"Network":"10.3.0.0/16","Backend":{"Type":"vxlan"}}', 255, []],
    ['{"Network":"10.0.0.0/8","Backend":{"Type":"host-gw"}}', 65535, []],
    ['{"Network":"10.1.0.0/28","Backend":{"Type":"vxlan"}}', 3, []],
    ['{"Network":"10.3.0.0/16","SubnetMin":"10.3.5.0","SubnetMax":"10.3.8.0","SubnetLen":28,"Backend":{"Type":"vxlan"}}', 49, []],
    ['{"Network":"10.3.0.0/16","SubnetMin":"10.3.5.0","SubnetMax":"10.3.5.0","Backend":{"Type":"vxlan"}}', 1, []],
    ['{"Network":"10.1.0.0/16","SubnetMin":"10.1.9.0","SubnetMax":"10.1.3.0","Backend":{"Type":"vxlan"}}', 0, [/SubnetMin 10\.1\.9\.0 is above SubnetMax 10\.1\.3\.0: allocation will fail with out of subnets/]],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"wireguard"}}', 255, [/Backend.Type "wireguard" is not supported by flanctl \(it knows vxlan, host-gw, udp; flanctl up runs vxlan, host-gw, udp\); flanctl up will refuse/]],
    // a config without Backend means udp, which flanctl up runs (the seeds' configs)
    ['{"Network":"10.3.0.0/16"}', 255, []],
    ['{"Network":"10.0.0.0/8","SubnetLen":20,"SubnetMin":"10.10.0.0","SubnetMax":"10.99.0.0","Backend":{"Type":"udp","Port":7890}}', 1425, []],
    ['{"Network":"10.3.0.0/16","EnableIPv6":true,"IPv6Network":"fc00::/48","Backend":{"Type":"vxlan"}}', 255, [/EnableIPv6: flanctl up does not program IPv6 yet.*will refuse/]],
    ['{"Network":"10.3.0.0/16","EnableNFTables":true,"Backend":{"Type":"vxlan"}}', 255, [/EnableNFTables: .*iptables only.*will refuse/]],
    ['{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","VNI":70000}}', 255, [/16-bit VNI/]],
  ]
  for (const [text, capacity, warnings] of table) {
    const cfg = decoded(text)
    assert.equal(subnetCapacity(cfg), capacity, text)
    const got = configWarnings(cfg)
    assert.equal(got.length, warnings.length, `${text}: ${got.join('; ')}`)
    warnings.forEach((re, i) => assert.match(got[i], re))
  }
  assert.equal(ipv6SubnetCapacity(decoded('{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fc00::/48"}')), 65535n)
})

const anyConfig = fc.record(
  {
    Network: fc.tuple(fc.ipV4(), fc.integer({min: 0, max: 32})).map(([ip, len]) => `${ip}/${len}`),
    SubnetLen: fc.integer({min: 0, max: 32}),
    SubnetMin: fc.ipV4(),
    SubnetMax: fc.ipV4(),
    EnableIPv6: fc.boolean(),
    IPv6Network: fc.tuple(fc.ipV6(), fc.integer({min: 0, max: 128})).map(([ip, len]) => `${ip}/${len}`),
    IPv6SubnetLen: fc.integer({min: 0, max: 128}),
    Backend: fc.record({Type: fc.constantFrom('vxlan', 'udp', 'host-gw', 'VXLAN'), VNI: fc.integer({min: 0, max: 2 ** 24 - 1}), Port: fc.integer({min: 0, max: 65535}), DirectRouting: fc.boolean(), GBP: fc.boolean()}, {requiredKeys: ['Type']}),
  },
  {requiredKeys: []},
)

test('fuzz: decodeNetworkConfig never throws', () => {
  const neverThrows = (text: string) => {
    const r = decodeNetworkConfig(text, 'fuzz')
    return r.ok || (typeof r.error.message === 'string' && r.error.message.startsWith('fuzz: '))
  }
  fc.assert(fc.property(fc.string({unit: 'binary'}), neverThrows), {numRuns: 1000})
  fc.assert(fc.property(fc.json(), neverThrows), {numRuns: 1000})
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('Network', 'network', 'SubnetLen', 'SubnetMin', 'SubnetMax', 'EnableIPv4', 'EnableIPv6', 'IPv6Network', 'IPv6SubnetLen', 'IPv6SubnetMin', 'IPv6SubnetMax', 'Backend', '__proto__', 'constructor'), fc.jsonValue()), (obj) => neverThrows(JSON.stringify(obj))), {numRuns: 1000})
  fc.assert(fc.property(anyConfig, (obj) => neverThrows(JSON.stringify(obj))), {numRuns: 1000})
})

// configs that mostly pass flannel's rules: aligned Min/Max inside the Network
const likelyValidConfig = fc
  .record({
    ip: fc.integer({min: 0, max: 0xffffffff}),
    prefix: fc.integer({min: 1, max: 28}),
    extra: fc.option(fc.integer({min: 2, max: 30}), {nil: undefined}),
    minIndex: fc.option(fc.nat(), {nil: undefined}),
    maxIndex: fc.option(fc.nat(), {nil: undefined}),
    ipv6: fc.option(fc.record({ip: fc.bigInt({min: 1n, max: (1n << 128n) - 1n}), prefix: fc.integer({min: 1, max: 124})}), {nil: undefined}),
    nft: fc.boolean(),
    backend: fc.option(anyConfig.map((c) => c.Backend), {nil: undefined}),
  })
  .map(({ip, prefix, extra, minIndex, maxIndex, ipv6, nft, backend}) => {
    const mask = (0xffffffff << (32 - prefix)) >>> 0
    const net = (ip & mask) >>> 0
    const obj: Record<string, unknown> = {Network: `${formatIp4(net)}/${prefix}`}
    const len = extra === undefined ? (prefix <= 22 ? 24 : prefix + 2) : Math.min(30, prefix + extra)
    if (extra !== undefined) obj.SubnetLen = len
    const count = 2 ** (len - prefix)
    if (minIndex !== undefined) obj.SubnetMin = formatIp4(net + (minIndex % count) * 2 ** (32 - len))
    if (maxIndex !== undefined) obj.SubnetMax = formatIp4(net + (maxIndex % count) * 2 ** (32 - len))
    if (ipv6 !== undefined) {
      obj.EnableIPv6 = true
      obj.IPv6Network = `${formatIp6(ipv6.ip)}/${ipv6.prefix}`
    }
    if (nft) obj.EnableNFTables = true
    if (backend !== undefined) obj.Backend = backend
    return obj
  })

test('property: decode(encode(cfg)) == cfg for every config flannel accepts', () => {
  let accepted = 0
  fc.assert(fc.property(fc.oneof(anyConfig, likelyValidConfig), (obj) => {
    const r = decodeNetworkConfig(JSON.stringify(obj), 'p')
    if (!r.ok) return true
    accepted++
    const again = decodeNetworkConfig(encodeNetworkConfig(r.value), 'p')
    assert.ok(again.ok)
    assert.deepEqual(again.value, r.value)
    assert.equal(encodeNetworkConfig(again.value), encodeNetworkConfig(r.value))
    return true
  }), {numRuns: 2000})
  assert.ok(accepted > 500, `only ${accepted} accepted configs generated`)
})
