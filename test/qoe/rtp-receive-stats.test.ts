// test-kind: unit
// Known vectors worked out by hand from RFC 3550 A.3 (loss) and A.8 (jitter).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {RtpReceiveStats} from '../../src/qoe/rtp-receive-stats.js'

test('jitter: transit 0, 40, 0, 80 units -> J = 2.5, 4.84375, 9.541015625 units (8 kHz clock)', () => {
  // 20 ms packets (160 units at 8 kHz) with extra delays of 0, 5, 0 and 10 ms:
  // transit = 8 * delay -> 0, 40, 0, 80; D = 40, 40, 80; J += (|D| - J) / 16.
  const s = new RtpReceiveStats(8000)
  const delays = [0, 5, 0, 10]
  delays.forEach((d, i) => s.add(100 + i, 160 * i, 1000 + 20 * i + d))
  assert.ok(Math.abs(s.jitterMs - 9.541015625 / 8) < 1e-9, `jitter ${s.jitterMs}`)
})

test('loss across the 16-bit wrap: 65534, 65535, 1, 3 -> expected 6, received 4, lost 2', () => {
  const s = new RtpReceiveStats(48000)
  for (const seq of [65534, 65535, 1, 3]) s.add(seq, 0, 0)
  assert.is(s.extendedMaxSeq, 65536 + 3)
  assert.is(s.expected, 6)
  assert.is(s.packetsReceived, 4)
  assert.is(s.lost, 2)
  const first = s.interval()
  assert.is(first.fractionLost, 2 / 6)
  for (const seq of [4, 5]) s.add(seq, 0, 0)
  assert.is(s.interval().fractionLost, 0, 'no loss in the second interval')
})

test('reordering and late retransmissions fill the gap; duplicates never make loss negative', () => {
  const s = new RtpReceiveStats(48000)
  for (const seq of [65534, 65535, 1, 3, 0, 2]) s.add(seq, 0, 0)
  assert.is(s.lost, 0)
  assert.is(s.extendedMaxSeq, 65536 + 3, 'older packets do not move the highest sequence')
  s.add(3, 0, 0) // duplicate
  assert.is(s.packetsReceived, 7)
  assert.is(s.lost, 0)
})

test('late packets are left out of jitter (they measure repair delay, not the network)', () => {
  const s = new RtpReceiveStats(8000)
  s.add(10, 0, 1000)
  s.add(12, 320, 1040)
  const before = s.jitterMs
  s.add(11, 160, 1500) // retransmitted 480 ms late
  assert.is(s.jitterMs, before)
})

test('a sequence jump past the dropout limit restarts the count', () => {
  const s = new RtpReceiveStats(48000)
  s.add(100, 0, 0)
  s.add(101, 0, 0)
  s.add(30000, 0, 0)
  assert.is(s.expected, 1)
  assert.is(s.lost, 0)
})

test.run()
