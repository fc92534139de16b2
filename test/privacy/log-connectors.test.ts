// test-kind: unit
// Combined access logs with IPv4 and IPv6 clients: finding, and erasure that leaves every
// other line byte for byte identical (including odd bytes and a last line without '\n').
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseDatamap} from '../../src/privacy/datamap-parse.js'
import {CombinedLogConnector} from '../../src/privacy/connectors/combined-log-connector.js'
import {truncateIp} from '../../src/privacy/ip-address.js'

const dir = mkdtempSync(join(tmpdir(), 'confctl-logs-'))
const file = join(dir, 'access.log')
const map = parseDatamap(
  `version: 1
stores:
  web:
    kind: combined-log
    collections:
      access:
        path: ${file}
        purpose: ops
        legal_basis: f
        source: browsers
        retention: {period: 14d, from: time}
        erasure: {strategy: truncate-ip}
        fields:
          ip: {category: network.ip, identifies: ip}
          user: {category: identity.login, identifies: user_id}
`,
  'test.yaml',
  {},
)
const coll = map.stores[0].collections[0]
const other1 = '192.0.2.10 - - [10/Nov/2026:09:15:02 +0100] "GET /a HTTP/1.1" 200 51 "-" "Mozilla \\"quoted\\" \xe4"'
const other2 = 'garbage line that is not combined 2001:db8::7x'
const lines = [
  '2001:db8::7 - - [10/Nov/2026:09:15:02 +0100] "GET /b/room HTTP/2.0" 200 5120 "-" "Firefox"',
  other1,
  '203.0.113.7 - alice [10/Nov/2026:09:15:03 +0100] "POST /x HTTP/1.1" 302 0 "https://r.example/" "Safari"',
  other2,
  '198.51.100.1 - - [10/Nov/2026:09:15:04 +0100] "GET /2001:db8::7 HTTP/1.1" 404 12',
]

test('finds IPv4 and IPv6 clients, not the same text elsewhere in the line', async () => {
  writeFileSync(file, lines.join('\n'), 'latin1')
  const c = new CombinedLogConnector(map.stores[0])
  await c.connect()
  const found = await c.find(coll, [{field: 'ip', values: ['2001:db8::7', '203.0.113.7'], ip: true}])
  assert.equal(
    found.map((f) => f.data.ip),
    ['2001:db8::7', '203.0.113.7'],
  )
  const byUser = await c.find(coll, [{field: 'user', values: ['alice']}])
  assert.is(byUser.length, 1)
})

test('erasure changes only the matching lines; the rest stays byte-identical', async () => {
  writeFileSync(file, lines.join('\n'), 'latin1')
  const before = readFileSync(file)
  const c = new CombinedLogConnector(map.stores[0])
  const matches = [{field: 'ip', values: ['2001:db8::7', '203.0.113.7'], ip: true}]
  const steps = c.planErasure(coll, await c.find(coll, matches), matches)
  assert.is(steps.length, 1)
  const changed = await c.apply(coll, steps[0], (_f, v) => truncateIp(String(v)))
  assert.is(changed, 2)
  const after = readFileSync(file, 'latin1').split('\n')
  assert.is(after[0], lines[0].replace('2001:db8::7 ', '2001:db8:: '))
  assert.is(after[2], lines[2].replace('203.0.113.7', '203.0.113.0'))
  assert.is(after[1], other1)
  assert.is(after[3], other2)
  assert.is(after[4], lines[4])
  assert.is(readFileSync(file).length, before.length - 1)
  // Applying the same step again changes nothing (resume safety).
  assert.is(await c.apply(coll, steps[0], (_f, v) => truncateIp(String(v))), 0)
})

test.run()
