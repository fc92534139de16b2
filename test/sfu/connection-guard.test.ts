// test-kind: unit
// The arithmetic of the node's HTTP caps (src/sfu/http/connection-guard.ts): how much of the
// open-file limit the public port may take, and which addresses count as one client. The
// caps in action against a real node are in http-limits.test.ts.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  ADMIN_LIMITS,
  clientKey,
  ConnectionBudgetError,
  publicLimits,
  PUBLIC_MAX_CONNECTIONS,
} from '../../src/sfu/http/connection-guard.js'
import {ConfigError} from '../../src/sfu/node-config.js'

test('the default total is 4096, lowered to leave room for RTC ports, the admin port and own files', () => {
  const cases: Array<[fileLimit: number, rtcPorts: number, expected: number]> = [
    [1_048_576, 200, PUBLIC_MAX_CONNECTIONS],
    [20_000, 200, PUBLIC_MAX_CONNECTIONS],
    [4096, 10, 4096 - 10 - ADMIN_LIMITS.maxConnections - 128],
    [1024, 200, 1024 - 200 - ADMIN_LIMITS.maxConnections - 128],
    [Infinity, 200, PUBLIC_MAX_CONNECTIONS],
  ]
  for (const [fileLimit, rtcPortCount, expected] of cases) {
    assert.is(
      publicLimits({fileLimit, rtcPortCount}).maxConnections,
      expected,
      `open-file limit ${fileLimit}, ${rtcPortCount} RTC ports`,
    )
  }
})

test('a --max-connections that does not fit the open-file limit is refused in one sentence', () => {
  assert.is(publicLimits({fileLimit: 20_000, rtcPortCount: 200, requested: 10_000}).maxConnections, 10_000)
  assert.throws(
    () => publicLimits({fileLimit: 4096, rtcPortCount: 200, requested: 4000}),
    (e: Error) =>
      e instanceof ConnectionBudgetError &&
      e instanceof ConfigError &&
      /--max-connections 4000 does not fit under the open-file limit of 4096 \(at most 3512 /.test(e.message),
  )
  assert.throws(() => publicLimits({fileLimit: 300, rtcPortCount: 200}), /leaves no room for public connections/)
})

test('the per-address cap never exceeds the total', () => {
  assert.is(publicLimits({fileLimit: 20_000, rtcPortCount: 200}).maxConnectionsPerIp, 256)
  assert.is(publicLimits({fileLimit: 20_000, rtcPortCount: 200, requested: 100}).maxConnectionsPerIp, 100)
  assert.is(publicLimits({fileLimit: 20_000, rtcPortCount: 200, perIp: 1000}).maxConnectionsPerIp, 1000)
})

test('one client: an IPv4 address, or an IPv6 /64 however it is written', () => {
  const cases: Array<[string, string]> = [
    ['192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:0:0:1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1', 'fe80:0:0:0::/64'],
  ]
  for (const [ip, key] of cases) assert.is(clientKey(ip), key, ip)
})

test.run()
