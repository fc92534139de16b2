// test-kind: unit
// Transport-wide congestion control feedback (src/sfu/twcc-feedback.ts), checked byte by byte
// against reports built by hand from draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1:
// RTCP header (V=2, FMT=15, PT=205, length in 32-bit words minus one), sender and media SSRC,
// base sequence number, packet status count, 24-bit reference time (64 ms units), feedback
// packet count, two-bit status vector chunks, then receive deltas in 250 µs ticks.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {TwccFeedback} from '../../src/sfu/twcc-feedback.js'

function collector() {
  const reports: Buffer[] = []
  const twcc = new TwccFeedback({senderSsrc: 1, send: (r) => reports.push(r)})
  return {twcc, reports}
}

// Offsets in a report: header 0-3, sender SSRC 4, media SSRC 8, base 12, status count 14,
// reference time 16-18, feedback count 19, first chunk 20.
test('one report with a lost packet, a small and a one-byte-max delta, padded to 32 bits', () => {
  const {twcc, reports} = collector()
  twcc.record(10, 2, 64_000) // 256 ticks: reference time 1 (64 ms), delta 0
  twcc.record(11, 2, 64_500) // +2 ticks
  twcc.record(13, 2, 128_000) // 512 ticks: +254 from seq 11; seq 12 never arrived
  twcc.flush()
  assert.is(reports.length, 1)
  // Symbols 1,1,0,1 -> chunk 11 01 01 00 01 00 00 00 = 0xd440; 21 body bytes -> 3 padding bytes.
  const expected = (
    'af cd 0006' + // V=2, P=1, FMT=15 | PT=205 | 7 words - 1
    '00000001 00000002' + // sender SSRC, media SSRC
    '000a 0004' + // base sequence number 10, 4 packet statuses
    '000001 00' + // reference time 1, feedback packet count 0
    'd440' + // status vector chunk
    '00 02 fe' + // deltas 0, 2, 254 ticks
    '000003'
  ) // padding, its length last
    .replace(/ /g, '')
  assert.is(reports[0]!.toString('hex'), expected)
  assert.is(twcc.reportsSent, 1)
})

test('a delta over 255 ticks or a reordered (negative) one takes two signed bytes', () => {
  const {twcc, reports} = collector()
  twcc.record(1, 2, 0) // reference 0, delta 0
  twcc.record(2, 2, 75_000) // 300 ticks: "large" delta 0x012c
  twcc.record(3, 2, 74_750) // 299 ticks: -1 tick, 0xffff
  twcc.flush()
  const r = reports[0]!
  assert.is(r.readUInt16BE(14), 3, 'three statuses')
  // Symbols 1,2,2 -> 1 1 01 10 10 00 00 00 00 = 0xda00 (draft §3.1.4, two-bit symbols).
  assert.is(r.readUInt16BE(20), 0xda00)
  assert.is(r.subarray(22, 27).toString('hex'), '00012cffff')
  assert.is(r.length % 4, 0)
  // 27 bytes + 1 padding byte of value 1.
  assert.is(r.length, 28)
  assert.is(r[27], 1)
  assert.is(r[0]! & 0x20, 0x20, 'padding bit')
})

test('nothing recorded or nothing new: no report; a new packet: the next report, count + 1', () => {
  const {twcc, reports} = collector()
  twcc.flush()
  assert.is(reports.length, 0)
  twcc.record(5, 2, 1000)
  twcc.flush()
  twcc.flush()
  assert.is(reports.length, 1)
  twcc.record(6, 2, 2000)
  twcc.record(5, 2, 3000) // reported already: ignored
  twcc.flush()
  assert.is(reports.length, 2)
  assert.is(reports[1]!.readUInt16BE(12), 6, 'base sequence number')
  assert.is(reports[1]!.readUInt16BE(14), 1)
  assert.is(reports[1]![19], 1, 'feedback packet count')
})

test('sequence numbers wrap at 65536 without starting a new report or reporting 65534 losses', () => {
  const {twcc, reports} = collector()
  twcc.record(65535, 2, 1000)
  twcc.record(0, 2, 2000)
  twcc.record(1, 2, 3000)
  twcc.flush()
  assert.is(reports.length, 1)
  assert.is(reports[0]!.readUInt16BE(12), 65535)
  assert.is(reports[0]!.readUInt16BE(14), 3)
})

test('a duplicate arrival keeps the first arrival time', () => {
  const {twcc, reports} = collector()
  twcc.record(7, 2, 0)
  twcc.record(8, 2, 500) // 2 ticks
  twcc.record(8, 2, 50_000)
  twcc.flush()
  assert.is(reports[0]!.readUInt16BE(14), 2)
  assert.is(reports[0]![23], 2)
})

test('more than 350 packets are split over reports that continue one another', () => {
  const {twcc, reports} = collector()
  for (let seq = 0; seq < 400; seq++) twcc.record(seq, 2, seq * 250)
  twcc.flush()
  assert.is(reports.length, 2)
  assert.is(reports[0]!.readUInt16BE(14), 350)
  assert.is(reports[1]!.readUInt16BE(12), 350)
  assert.is(reports[1]!.readUInt16BE(14), 50)
  for (const r of reports) assert.is(r.readUInt16BE(2), r.length / 4 - 1, 'length field')
})

test.run()
