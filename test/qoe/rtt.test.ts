// test-kind: unit
// RTT from RTCP receiver reports (src/qoe/rtt.ts). Known values: the NTP epoch offset
// 2208988800 s is 0x83AA7E80, and RFC 3550 §6.4.1 works one report through by hand
// (A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000, delay 0x0006:2000 = 6.125 s).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {compactNtp, rttFromReceiverReport, rttFromSendTime} from '../../src/qoe/rtt.js'

test('compactNtp keeps the low 16 bits of NTP seconds and the high 16 bits of the fraction', () => {
  // 1970-01-01T00:00:00Z is NTP second 0x83AA7E80: low 16 bits 0x7E80, fraction 0.
  assert.is(compactNtp(0), 0x7e800000)
  // Half a second is fraction 0x8000 (0.5 * 65536).
  assert.is(compactNtp(500), 0x7e808000)
  // 0.25 s later still: 0x4000.
  assert.is(compactNtp(1250), 0x7e814000)
})

test('compactNtp is an unsigned 32-bit value even when the seconds have the top bit set', () => {
  // 0x8000 - 0x7E80 = 384 s after the Unix epoch the low 16 seconds bits read 0x8000.
  const value = compactNtp(384_000)
  assert.is(value, 0x80000000)
  assert.ok(value > 0, 'never negative')
})

test('rttFromReceiverReport: the worked example of RFC 3550 §6.4.1 gives 6.125 s', () => {
  assert.is(rttFromReceiverReport(0xb7108000, 0xb7052000, 0x00054000), 6125)
})

test('rttFromReceiverReport works across the 65536 s wrap of compact NTP', () => {
  // The SR went out 0x1000 units (1/16 s) before the wrap; the report came 0x1000 after it.
  assert.is(rttFromReceiverReport(0x00001000, 0xfffff000, 0), 125)
})

test('rttFromReceiverReport: no SR answered yet (LSR 0) gives null, not a huge RTT', () => {
  assert.is(rttFromReceiverReport(0x7e800000, 0, 0), null)
})

test('rttFromReceiverReport: a negative result (report older than its SR) gives null', () => {
  // A - LSR - DLSR = -1 unit wraps to 0xffffffff: clock arithmetic gone wrong, not a 18 h RTT.
  assert.is(rttFromReceiverReport(0x00010000, 0x00010000, 1), null)
  // Exactly zero is a real (LAN) measurement.
  assert.is(rttFromReceiverReport(0x00010000, 0x0000c000, 0x4000), 0)
})

test('rttFromSendTime subtracts the holding delay (DLSR, 1/65536 s) from the local round trip', () => {
  // Sent at 1000 ms, answered at 1500 ms, held 0x4000 units = 250 ms by the receiver.
  assert.is(rttFromSendTime(1500, 1000, 0x4000), 250)
  assert.is(rttFromSendTime(1250, 1000, 0x4000), 0)
  assert.is(rttFromSendTime(1249, 1000, 0x4000), null)
})

test.run()
