// test-kind: unit
// REMB's bitrate encoding (src/sfu/congestion-feedback.ts; draft-alvestrand-rmcat-remb-03
// §2.2: BR Exp 6 bits, BR Mantissa 18 bits, bitrate = mantissa * 2^exp). The feedback timers
// themselves need a connected peer and are exercised by the live tests.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {DEFAULT_PUBLISHER_MAX_BITRATE_BPS, rembBitrate} from '../../src/sfu/congestion-feedback.js'

test('the default 2.5 Mbit/s ceiling is 156250 * 2^4 exactly', () => {
  assert.is(DEFAULT_PUBLISHER_MAX_BITRATE_BPS, 2_500_000)
  assert.equal(rembBitrate(2_500_000), {exp: 4, mantissa: 156_250})
})

test('the mantissa stays within 18 bits: 2^18 - 1 fits, 2^18 needs an exponent', () => {
  assert.equal(rembBitrate(262_143), {exp: 0, mantissa: 262_143})
  assert.equal(rembBitrate(262_144), {exp: 1, mantissa: 131_072})
})

test('an odd rate rounds down, never announcing more than the ceiling', () => {
  const {exp, mantissa} = rembBitrate(1_000_001)
  assert.ok(mantissa < 1 << 18)
  assert.ok(mantissa * 2 ** exp <= 1_000_001)
  assert.ok(mantissa * 2 ** exp > 1_000_001 - 2 ** exp)
})

test('zero and fractional rates', () => {
  assert.equal(rembBitrate(0), {exp: 0, mantissa: 0})
  assert.equal(rembBitrate(1.9), {exp: 0, mantissa: 1})
})

test.run()
