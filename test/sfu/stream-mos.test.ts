// test-kind: unit
// The MOS the node reports per stream (src/sfu/stream-mos.ts), worked by hand through the
// simplified E-model of src/qoe/mos.ts (Cole & Rosenbluth 2001: Le = RTT/2 + 2 jitter + 10,
// R = 93.2 - Le/40 - 2.5 loss%, MOS = 1 + 0.035 R + 7e-6 R (R-60)(100-R)), rounded to 0.01.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {streamMos} from '../../src/sfu/stream-mos.js'

test('a downlink with 2 % loss, 10 ms jitter and 100 ms RTT scores 4.24', () => {
  // Le = 50 + 20 + 10 = 80 -> R = 93.2 - 2 - 5 = 86.2 -> MOS = 1 + 3.017 + 0.21817 = 4.2352
  assert.is(streamMos(0.02, 10, 100), 4.24)
})

test('an uplink has no RTT of its own: scored on loss and jitter alone', () => {
  // Le = 0 + 0 + 10 -> R = 92.95 -> MOS = 1 + 3.25325 + 0.15114 = 4.4044
  assert.is(streamMos(0, 0, null), 4.4)
  assert.is(streamMos(0, 0, null), streamMos(0, 0, 0))
})

test('fractionLost is a fraction (0..1), not a percentage', () => {
  // 50 % loss takes R below 0: the floor, MOS 1.
  assert.is(streamMos(0.5, 0, 0), 1)
  assert.ok(streamMos(0.01, 0, 0)! > 4.3, '1 % loss is a small impairment')
})

test('no jitter measured yet: no MOS rather than a flattering one', () => {
  assert.is(streamMos(0, null, 20), null)
})

test.run()
