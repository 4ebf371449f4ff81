import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {decodeSubnetEnv, parseSubnetEnv, previousSubnets, renderSubnetEnv, type SubnetEnv} from '../../src/core/subnet-env.js'
import {formatIp4Net} from '../../src/core/ip4.js'
import {formatIp6Net} from '../../src/core/ip6.js'

const v4 = (ip: number, prefixLen: number) => ({ip, prefixLen})

test('renderSubnetEnv: flanneld\'s exact file', () => {
  const table: Array<[SubnetEnv, string]> = [
    [{network: v4(0x0a010000, 16), subnet: v4(0x0a012c00, 24), mtu: 1450, ipMasq: true},
      'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.44.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n'],
    [{network: v4(0x0a010000, 16), subnet: v4(0x0a014a00, 24), mtu: 1472, ipMasq: false},
      'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.74.1/24\nFLANNEL_MTU=1472\nFLANNEL_IPMASQ=false\n'],
    [{network: v4(0x0a010000, 16), subnet: v4(0x0a012c00, 24), ipv6Network: {ip: 0xfd000012001300000000000000000000n, prefixLen: 48},
      ipv6Subnet: {ip: 0xfd000012001300010000000000000000n, prefixLen: 64}, mtu: 1450, ipMasq: true},
      'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.44.1/24\nFLANNEL_IPV6_NETWORK=fd00:12:13::/48\nFLANNEL_IPV6_SUBNET=fd00:12:13:1::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n'],
    [{ipv6Network: {ip: 0xfc000000000000000000000000000000n, prefixLen: 48}, ipv6Subnet: {ip: 0xfc000000000000010000000000000000n, prefixLen: 64}, mtu: 1500, ipMasq: false},
      'FLANNEL_IPV6_NETWORK=fc00::/48\nFLANNEL_IPV6_SUBNET=fc00:0:0:1::1/64\nFLANNEL_MTU=1500\nFLANNEL_IPMASQ=false\n'],
  ]
  for (const [env, want] of table) assert.equal(renderSubnetEnv(env), want)
})

test('parseSubnetEnv: tolerant of comments, blank lines, CRLF, quotes and export', () => {
  const text = '# written by flanneld\n\nFLANNEL_NETWORK=10.1.0.0/16\r\n  FLANNEL_SUBNET=10.1.44.1/24  \nexport FLANNEL_MTU="1450"\nFLANNEL_IPMASQ=\'true\'\nEMPTY=\nX=a b # note\nFLANNEL_MTU=1400\n'
  const r = parseSubnetEnv(text, '/run/flannel/subnet.env')
  assert.ok(r.ok)
  assert.deepEqual(r.value, {FLANNEL_NETWORK: '10.1.0.0/16', FLANNEL_SUBNET: '10.1.44.1/24', FLANNEL_MTU: '1400', FLANNEL_IPMASQ: 'true', EMPTY: '', X: 'a b'})
})

test('parseSubnetEnv: a malformed line names the file and line number', () => {
  const table: Array<[string, number]> = [
    ['FLANNEL_NETWORK=10.1.0.0/16\nthis is not a variable\n', 2],
    ['\n\n# c\nFLANNEL MTU=1450', 4],
    ['1FLANNEL=x', 1],
    ['FLANNEL_MTU 1450', 1],
    ['=x', 1],
  ]
  for (const [text, line] of table) {
    const r = parseSubnetEnv(text, '/run/flannel/subnet.env')
    assert.ok(!r.ok, text)
    assert.equal(r.error.code, 'E_BAD_DATA')
    assert.match(r.error.message, new RegExp(`^/run/flannel/subnet\\.env line ${line}: expected KEY=value`))
  }
})

test('render -> parse -> decode gives the same env back', () => {
  const env: SubnetEnv = {network: v4(0x0a010000, 16), subnet: v4(0x0a012c00, 24), ipv6Network: {ip: 0xfd000012001300000000000000000000n, prefixLen: 48},
    ipv6Subnet: {ip: 0xfd000012001300010000000000000000n, prefixLen: 64}, mtu: 1450, ipMasq: true}
  const vars = parseSubnetEnv(renderSubnetEnv(env), 'f')
  assert.ok(vars.ok)
  const back = decodeSubnetEnv(vars.value, 'f')
  assert.ok(back.ok)
  assert.deepEqual(back.value, env)
})

test('previousSubnets: FLANNEL_SUBNET is a first host; the subnet is its network', () => {
  const r = previousSubnets({FLANNEL_SUBNET: '10.1.44.1/24', FLANNEL_IPV6_SUBNET: 'fd00:12:13:1::1/64'}, 'f')
  assert.ok(r.ok)
  assert.equal(formatIp4Net(r.value.subnet!), '10.1.44.0/24')
  assert.equal(formatIp6Net(r.value.ipv6Subnet!), 'fd00:12:13:1::/64')
  const none = previousSubnets({}, 'f')
  assert.ok(none.ok)
  assert.deepEqual(none.value, {})
  const malformed: Array<Record<string, string>> = [{FLANNEL_SUBNET: '10.1.44.1'}, {FLANNEL_SUBNET: 'x/24'}, {FLANNEL_IPV6_SUBNET: '10.1.44.1/24'}]
  for (const vars of malformed) {
    const bad = previousSubnets(vars, '/run/flannel/subnet.env')
    assert.ok(!bad.ok)
    assert.match(bad.error.message, /^\/run\/flannel\/subnet\.env: FLANNEL_(IPV6_)?SUBNET=/)
  }
  const badMasq = decodeSubnetEnv({FLANNEL_MTU: '1450', FLANNEL_IPMASQ: 'yes'}, 'f')
  assert.ok(!badMasq.ok)
  assert.match(badMasq.error.message, /FLANNEL_IPMASQ=yes/)
})

test('fuzz: parseSubnetEnv / previousSubnets / decodeSubnetEnv never throw', () => {
  const lineArb = fc.oneof(fc.string({unit: 'binary'}), fc.constantFrom('FLANNEL_SUBNET=', 'FLANNEL_SUBNET=10.1.2.3/', 'FLANNEL_MTU=', '#', 'export ', '__proto__=1', 'constructor=x', 'FLANNEL_IPV6_SUBNET=::/'))
  fc.assert(fc.property(fc.array(lineArb, {maxLength: 8}), (lines) => {
    const r = parseSubnetEnv(lines.join('\n'), 'f')
    if (r.ok) {
      previousSubnets(r.value, 'f')
      decodeSubnetEnv(r.value, 'f')
    } else {
      assert.equal(r.error.code, 'E_BAD_DATA')
    }
    return true
  }), {numRuns: 3000})
})
