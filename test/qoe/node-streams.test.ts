// test-kind: unit
// A window's loss per stream from the node's samples (src/qoe/node-streams.ts). A downlink's
// lost count moves only when the subscriber's receiver report arrives (libwebrtc sends audio
// reports every ~5 s), so it must be divided by what the same reports expected, not by the
// packets the node sent in the window: that paired 15 s of reported loss with 10 s of media
// and blamed a 5 % uplink loss on "both" legs (qoe-impaired-network failed so in CI).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import type {QoeSample} from '../../src/api/node-api.js'
import {summarizeNodeStreams} from '../../src/qoe/node-streams.js'

const T0 = Date.parse('2026-11-30T10:00:00Z')

function row(
  at: number,
  direction: 'uplink' | 'downlink',
  counters: {packets: number; lost: number; expected?: number | null},
): QoeSample {
  return {
    time: new Date(T0 + at * 1000).toISOString(),
    room: 'r',
    participantId: direction === 'uplink' ? 'pub' : 'sub',
    identity: direction === 'uplink' ? 'speaker' : 'listener',
    direction,
    kind: 'audio',
    codec: 'opus',
    sourcePublisherId: direction === 'downlink' ? 'pub' : null,
    packets: counters.packets,
    lost: counters.lost,
    expected: counters.expected === undefined ? null : counters.expected,
    fractionLost: 0.05,
    jitterMs: 2,
    rttMs: 10,
    bitrateBps: 32_000,
    mos: 4,
    userAgent: 'test',
  }
}

// 50 packets/s for 10 s; the uplink lost 5 % (25 of 500) and the node forwarded the rest.
const uplink = [row(0, 'uplink', {packets: 1000, lost: 50}), row(10, 'uplink', {packets: 1475, lost: 75})]

test("a downlink's loss is the reports' lost over the reports' expected: the uplink's 5 % is the uplink's", () => {
  // The subscriber's reports in this window span 15 s (750 expected, 37 lost: the uplink's
  // 5 %); the node sent 475 packets in the 10 s window.
  const downlink = [
    row(0, 'downlink', {packets: 950, lost: 40, expected: 800}),
    row(10, 'downlink', {packets: 1425, lost: 77, expected: 1550}),
  ]
  const listener = summarizeNodeStreams([...uplink, ...downlink]).find((s) => s.direction === 'downlink')
  assert.is(listener!.totalLossPercent, 4.93)
  assert.is(listener!.attribution?.leg, 'uplink', JSON.stringify(listener!.attribution))
})

test('no new report within the window: no downlink loss figure (not 0 %)', () => {
  const downlink = [
    row(0, 'downlink', {packets: 950, lost: 40, expected: 800}),
    row(2, 'downlink', {packets: 1045, lost: 40, expected: 800}),
  ]
  const listener = summarizeNodeStreams(downlink)[0]!
  assert.is(listener.totalLossPercent, null)
  assert.is(listener.attribution, null)
})

test('samples without reported expectations (an older node) fall back to the packets sent', () => {
  const downlink = [row(0, 'downlink', {packets: 950, lost: 40}), row(10, 'downlink', {packets: 1425, lost: 65})]
  assert.is(summarizeNodeStreams(downlink)[0]!.totalLossPercent, 5)
})

test("an uplink's loss is the node's own count: lost over received + lost", () => {
  const speaker = summarizeNodeStreams(uplink)[0]!
  assert.is(speaker.direction, 'uplink')
  assert.is(speaker.totalLossPercent, 5)
})

test.run()
