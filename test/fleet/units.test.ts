import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {formatPortRange, parseDurationSeconds, parsePort, parsePortRange} from '../../src/fleet/units.js'
import {badInput} from '../helpers/assert-bad-input.js'


test('durations: s, m, h, d and bare seconds', () => {
  assert.is(parseDurationSeconds('30s', '--ttl'), 30)
  assert.is(parseDurationSeconds('15m', '--ttl'), 900)
  assert.is(parseDurationSeconds('1h', '--ttl'), 3600)
  assert.is(parseDurationSeconds('2d', '--ttl'), 172_800)
  assert.is(parseDurationSeconds('45', '--ttl'), 45)
  assert.is(parseDurationSeconds(' 2H ', '--ttl'), 7200)
})

test('durations: rejects zero, negatives, fractions, unknown units, empty', () => {
  for (const bad of ['0s', '-1h', '1.5h', '3w', '1h30m', '', 'h', 'soon']) badInput(() => parseDurationSeconds(bad, '--ttl'), '--ttl', `'${bad}'`)
})

test('ports: 0..65535, 0 only when allowed', () => {
  assert.is(parsePort('0', '--port'), 0)
  assert.is(parsePort('8080', '--port'), 8080)
  assert.is(parsePort(65535, '--port'), 65535)
  for (const bad of ['-1', '65536', 'abc', '80.5', '', '1e3']) badInput(() => parsePort(bad, '--port'), '--port')
  badInput(() => parsePort('0', 'sshPort', {allowZero: false}), 'sshPort', 'from 1')
})

test('port ranges: X-Y with X <= Y, round trip', () => {
  assert.equal(parsePortRange('40000-40199', '--rtc-ports'), [40000, 40199])
  assert.equal(parsePortRange(' 5000 - 5000 ', '--rtc-ports'), [5000, 5000])
  assert.is(formatPortRange(parsePortRange('40000-40199', 'x')), '40000-40199')
  badInput(() => parsePortRange('5-3', '--rtc-ports'), '--rtc-ports', "'5-3'")
  badInput(() => parsePortRange('0-10', '--rtc-ports'), '--rtc-ports')
  badInput(() => parsePortRange('40000-70000', '--rtc-ports'), '--rtc-ports')
  badInput(() => parsePortRange('40000', '--rtc-ports'), 'like 40000-40199')
  badInput(() => parsePortRange('a-b', '--rtc-ports'), '--rtc-ports')
})

test.run()
