// test-kind: unit
// src/cli/human-units.ts: the figures commands print for people.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {formatBytes, formatSeconds, formatTime, plural} from '../../src/cli/human-units.js'

test('formatBytes: binary units, bytes without a fraction', () => {
  assert.is(formatBytes(512), '512 B')
  assert.is(formatBytes(1536), '1.5 KiB')
  assert.is(formatBytes(4.1 * 2 ** 30), '4.1 GiB')
  assert.is(formatBytes(3 * 2 ** 50), '3072.0 TiB')
})

test('formatSeconds: the two largest units', () => {
  assert.is(formatSeconds(59.9), '59s')
  assert.is(formatSeconds(61), '1m 1s')
  assert.is(formatSeconds(3 * 3600 + 120), '3h 2m')
  assert.is(formatSeconds(2 * 86_400 + 5 * 3600 + 7), '2d 5h')
})

test('formatTime and plural', () => {
  assert.is(formatTime('2024-05-01T10:00:00.000Z'), '2024-05-01 10:00:00Z')
  assert.is(plural(1, 'room'), '1 room')
  assert.is(plural(0, 'room'), '0 rooms')
})

test.run()
