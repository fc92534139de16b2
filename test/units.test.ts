// test-kind: unit
// Table-driven checks of src/units.ts, the parsers the CLI, fleet.yaml and the node share:
// each accepted spelling and its value, each refused spelling and the one sentence it gets.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  formatDuration,
  formatPortRange,
  normalizeSize,
  parseCount,
  parseDay,
  parseDurationMs,
  parseDurationSeconds,
  endOfDay,
  formatLocalDay,
  isDayAfterToday,
  parsePort,
  parsePortRange,
  parseSizeBytes,
  parseTime,
} from '../src/units.js'
import {badInput} from './helpers/assert-bad-input.js'

test('durations in milliseconds: ms, s, m, h, d, decimals and bare seconds', () => {
  const cases: Array<[string, number]> = [
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['2', 2000],
    ['0.25', 250],
    [' 2H ', 7_200_000],
    ['100MS', 100],
  ]
  for (const [text, ms] of cases) assert.is(parseDurationMs(text, '--interval'), ms, text)
  assert.is(parseDurationMs(3, '--interval'), 3000)
})

test('durations: refused spellings name the flag and the value in one sentence', () => {
  for (const bad of ['0s', '0', '-1h', '3w', '1h30m', '', 'h', 'soon', '1e3', '0.0001s', '1,5s']) {
    badInput(() => parseDurationMs(bad, '--duration'), '--duration must be a duration', `'${bad.trim()}'`)
  }
})

test('durations: bounds are checked and stated', () => {
  const bounds = {minMs: 100, maxMs: 3_600_000}
  assert.is(parseDurationMs('100ms', '--interval', bounds), 100)
  assert.is(parseDurationMs('1h', '--interval', bounds), 3_600_000)
  badInput(() => parseDurationMs('50ms', '--interval', bounds), 'from 100ms to 1h', "'50ms'")
  badInput(() => parseDurationMs('2h', '--interval', bounds), 'from 100ms to 1h', "'2h'")
  badInput(() => parseDurationSeconds('8d', '--ttl', {maxMs: 7 * 86_400_000}), '--ttl', 'at most 7d')
})

test('durations in whole seconds: s, m, h, d, bare seconds; sub-second values refused', () => {
  const cases: Array<[string, number]> = [
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['2d', 172_800],
    ['45', 45],
    [' 2H ', 7200],
    ['1.5m', 90],
    ['2000ms', 2],
  ]
  for (const [text, s] of cases) assert.is(parseDurationSeconds(text, '--ttl'), s, text)
  for (const bad of ['500ms', '1.5s', '0s', '-1h', '3w', ''])
    badInput(() => parseDurationSeconds(bad, '--ttl'), '--ttl', `'${bad}'`)
})

test('formatDuration: the shortest spelling', () => {
  const cases: Array<[number, string]> = [
    [500, '500ms'],
    [1500, '1500ms'],
    [10_000, '10s'],
    [90_000, '90s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [604_800_000, '7d'],
  ]
  for (const [ms, text] of cases) assert.is(formatDuration(ms), text)
  for (const [ms] of cases) assert.is(parseDurationMs(formatDuration(ms), 'x'), ms)
})

test('sizes: B, KB, MB, GB (binary), at least 1KB', () => {
  const cases: Array<[string, number, string]> = [
    ['1KB', 1024, '1KB'],
    ['1024B', 1024, '1024B'],
    ['512kb', 524_288, '512KB'],
    [' 10MB ', 10_485_760, '10MB'],
    ['1gb', 1_073_741_824, '1GB'],
  ]
  for (const [text, bytes, spelled] of cases) {
    assert.is(parseSizeBytes(text, '--access-log-max-size'), bytes, text)
    assert.is(normalizeSize(text, '--access-log-max-size'), spelled, text)
  }
  for (const bad of ['10', '100B', '0KB', '1TB', '1.5MB', 'MB', ''])
    badInput(
      () => parseSizeBytes(bad, '--access-log-max-size'),
      '--access-log-max-size must be a size of at least 1KB',
      `'${bad}'`,
    )
})

test('counts: 1..1000000', () => {
  for (const [text, n] of [
    ['1', 1],
    [' 256 ', 256],
    ['1000000', 1_000_000],
  ] as const)
    assert.is(parseCount(text, '--max-sessions'), n)
  assert.is(parseCount(7, '--max-sessions'), 7)
  for (const bad of ['0', '-1', '1000001', '1.5', 'many', ''])
    badInput(() => parseCount(bad, '--max-sessions'), '--max-sessions must be a whole number from 1 to 1000000')
})

test('ports: 0..65535, 0 only when allowed', () => {
  assert.is(parsePort('0', '--port'), 0)
  assert.is(parsePort('8080', '--port'), 8080)
  assert.is(parsePort(65535, '--port'), 65535)
  for (const bad of ['-1', '65536', 'abc', '80.5', '', '1e3'])
    badInput(() => parsePort(bad, '--port'), '--port must be a port number from 0 to 65535')
  badInput(() => parsePort('0', 'sshPort', {allowZero: false}), 'sshPort', 'from 1')
})

test("port ranges: X-Y with 1024 <= X <= Y <= 65535, the node's rule, round trip", () => {
  assert.equal(parsePortRange('40000-40199', '--rtc-ports'), [40000, 40199])
  assert.equal(parsePortRange(' 5000 - 5000 ', '--rtc-ports'), [5000, 5000])
  assert.equal(parsePortRange('1024-65535', '--rtc-ports'), [1024, 65535])
  assert.is(formatPortRange(parsePortRange('40000-40199', 'x')), '40000-40199')
  for (const bad of ['500-600', '1023-2000', '0-10', '5-3', '40000-70000', '5000-4000'])
    badInput(() => parsePortRange(bad, '--rtc-ports'), '--rtc-ports', '1024 <= X <= Y <= 65535', `'${bad}'`)
  for (const bad of ['40000', 'a-b', '', '40000-'])
    badInput(() => parsePortRange(bad, '--rtc-ports'), '--rtc-ports', 'like 40000-40199')
})

test('dates: YYYY-MM-DD days that exist, ISO 8601 times with a zone', () => {
  assert.is(parseDay('2025-12-31', '--until').toISOString(), '2025-12-31T00:00:00.000Z')
  assert.is(parseDay('2024-02-29', '--until').toISOString(), '2024-02-29T00:00:00.000Z')
  for (const bad of ['2025-02-30', '2025-13-01', '2025-1-1', '31.12.2025', 'tomorrow', ''])
    badInput(() => parseDay(bad, '--until'), '--until must be a date like 2025-12-31', `'${bad}'`)
  assert.is(parseTime('2025-12-31T23:00:00Z', '--since').toISOString(), '2025-12-31T23:00:00.000Z')
  assert.is(parseTime('2025-12-31T23:00:00.5+01:00', '--since').toISOString(), '2025-12-31T22:00:00.500Z')
  assert.is(parseTime('2025-12-31', '--since').toISOString(), '2025-12-31T00:00:00.000Z')
  for (const bad of ['2025-12-31T23:00:00', '2025-12-31 23:00Z', 'yesterday', '1700000000'])
    badInput(() => parseTime(bad, '--since'), '--since must be an ISO 8601 time', `'${bad}'`)
})

test("endOfDay: the last millisecond of the day on this machine's calendar, so a day given as an end is inclusive", () => {
  for (const [day, next] of [
    ['2027-12-31', new Date(2028, 0, 1)],
    ['2028-02-29', new Date(2028, 2, 1)],
    ['2027-03-28', new Date(2027, 2, 29)], // the day clocks go forward in the EU: 23 hours long there
  ] as const) {
    const end = endOfDay(parseDay(day, '--until'))
    assert.is(end.getTime(), next.getTime() - 1, day)
    assert.is(formatLocalDay(end), day, `${day} still on that day locally`)
    assert.is(`${end.getHours()}:${end.getMinutes()}:${end.getSeconds()}`, '23:59:59', day)
  }
})

test("isDayAfterToday: compared with the machine's local calendar day", () => {
  const now = new Date(2026, 10, 30, 0, 30) // 00:30 local time on 30 Nov 2026, whatever the zone
  const cases: Array<[string, boolean]> = [
    ['2026-11-29', false],
    ['2026-11-30', false],
    ['2026-12-01', true],
    ['2027-01-01', true],
  ]
  for (const [day, after] of cases)
    assert.is(isDayAfterToday(parseDay(day, '--received'), now), after, `${day} after 2026-11-30 (local)`)
})

test.run()
