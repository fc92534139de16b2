// test-kind: unit
// IP addresses through ipaddr.js: canonical text, IPv4-mapped IPv6 as the IPv4 address (both
// directions), the pre-filter needles that every usual notation contains, truncation.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import {canonicalIp, ipNeedles, truncateIp} from '../../src/privacy/ip-address.js'
import {valueMatches} from '../../src/privacy/connectors/connector.js'

test('an IPv4-mapped IPv6 address is the IPv4 address, in every notation', () => {
  for (const t of ['::ffff:141.71.30.4', '::FFFF:141.71.30.4', '::ffff:8d47:1e04', '0:0:0:0:0:ffff:8d47:1e04'])
    assert.is(canonicalIp(t), '141.71.30.4', t)
  assert.is(canonicalIp('141.71.30.4'), '141.71.30.4')
})

test('mapped addresses match both ways; other IPv6 addresses stay IPv6', () => {
  const m = (values: string[]) => ({field: 'ip', values: values.map((v) => canonicalIp(v)!), ip: true})
  assert.ok(valueMatches('::ffff:141.71.30.4', m(['141.71.30.4'])), 'subject IPv4, log mapped')
  assert.ok(valueMatches('141.71.30.4', m(['::ffff:141.71.30.4'])), 'subject mapped, log IPv4')
  assert.not.ok(valueMatches('::ffff:141.71.30.5', m(['141.71.30.4'])))
  assert.not.ok(valueMatches('64:ff9b::8d47:1e04', m(['141.71.30.4'])), 'NAT64 is not the IPv4 host')
  assert.is(canonicalIp('2001:DB8:0:0:0::7'), '2001:db8::7')
})

test('only notations servers write: no octal, no shorthand, no text', () => {
  for (const t of ['010.1.1.1', '1.2.3', '0x7f.0.0.1', 'not-an-ip', '', '1.2.3.4.5', '2001:db8::g'])
    assert.is(canonicalIp(t), undefined, t)
})

test('truncation: IPv4 /24, IPv6 /48, a mapped address as IPv4 in its mapped notation', () => {
  assert.is(truncateIp('203.0.113.77'), '203.0.113.0')
  assert.is(truncateIp('2001:db8:aa:bb:cc::15'), '2001:db8:aa::')
  assert.is(truncateIp('::ffff:141.71.30.4'), '::ffff:141.71.30.0')
  assert.is(canonicalIp(truncateIp('::ffff:141.71.30.4')), '141.71.30.0')
  assert.is(truncateIp('not-an-ip'), 'not-an-ip')
})

test('every usual notation of an address contains one of its needles', () => {
  const group = fc.oneof(fc.constant(0), fc.integer({min: 0, max: 0xffff}))
  const v6 = fc.oneof(
    fc.array(group, {minLength: 8, maxLength: 8}),
    fc.tuple(group, group).map(([x, y]) => [0, 0, 0, 0, 0, 0xffff, x, y]), // mapped
  )
  fc.assert(
    fc.property(v6, fc.boolean(), (parts, upper) => {
      const a = new ipaddr.IPv6(parts)
      const needles = ipNeedles(a.toRFC5952String())
      const forms = [
        a.toRFC5952String(),
        a.toNormalizedString(),
        parts.map((p) => p.toString(16).padStart(4, '0')).join(':'),
        ...(a.isIPv4MappedAddress() ? [`::ffff:${a.toIPv4Address().toString()}`, a.toIPv4Address().toString()] : []),
      ].map((f) => (upper ? f.toUpperCase() : f))
      return forms.every((f) => needles.some((n) => f.includes(n)))
    }),
    {numRuns: 2000},
  )
  const v4 = ipNeedles('141.71.30.4')
  for (const f of [
    '141.71.30.4',
    '::ffff:141.71.30.4',
    '::ffff:8d47:1e04',
    '::FFFF:8D47:1E04',
    '0:0:0:0:0:ffff:8d47:1e04',
  ])
    assert.ok(
      v4.some((n) => f.includes(n)),
      f,
    )
})

test.run()
