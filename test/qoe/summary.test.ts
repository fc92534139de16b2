// test-kind: unit
// The per-stream summary (src/qoe/summary.ts) on short series whose figures are worked out
// by hand below, one rule of the loss computation at a time.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {DEFAULT_BANDS} from '../../src/qoe/bands.js'
import {
  intervalLossPercent,
  pctHigherWorse,
  pctLowerWorse,
  streamLabel,
  summarizeStream,
  type QoeSample,
} from '../../src/qoe/summary.js'

const info = {id: 'IT01V1234', kind: 'video' as const, direction: 'inbound' as const, codec: 'VP8', ssrc: 1234}

// t  recv  lost  jitter rtt   interval loss                 MOS (R = 93.2 - Le/40 - 2.5 loss, Le = rtt/2 + 2 jitter + 10)
// 0     0     0    10    50    -                             -
// 1   100     0    10    50    0/(100+0) = 0 %               Le 55: R 91.825, MOS 4.381
// 2   190    10    20    50    10/(90+10) = 10 %             Le 75: R 66.325, MOS 3.420
// 3   290    10    10    50    0 %                           MOS 4.381
// 4   390    12    10   100    2/(100+2) = 1.961 %           Le 80: R 86.298, MOS 4.238
// 5   380    12     5    40    received went back: no figure -
const series: QoeSample[] = [
  {time: 0, packetsReceived: 0, packetsLost: 0, jitterMs: 10, rttMs: 50, bytes: 0},
  {time: 1000, packetsReceived: 100, packetsLost: 0, jitterMs: 10, rttMs: 50, bytes: 125_000},
  {time: 2000, packetsReceived: 190, packetsLost: 10, jitterMs: 20, rttMs: 50, bytes: 250_000},
  {time: 3000, packetsReceived: 290, packetsLost: 10, jitterMs: 10, rttMs: 50, bytes: 375_000},
  {time: 4000, packetsReceived: 390, packetsLost: 12, jitterMs: 10, rttMs: 100, bytes: 500_000},
  {time: 5000, packetsReceived: 380, packetsLost: 12, jitterMs: 5, rttMs: 40, bytes: 10},
]

test('inbound series: loss from counter deltas, percentiles by nearest rank', () => {
  const s = summarizeStream(info, series)
  assert.is(s.samples, 6)
  assert.is(s.packets, 380)
  assert.is(s.packetsLost, 12)
  // loss [0, 10, 0, 1.961] sorted [0, 0, 1.961, 10]: p50 = 2nd, p95 = ceil(3.8) = 4th
  assert.equal(s.lossPercent, {p50: 0, p95: 10, max: 10})
  // jitter sorted [5, 10, 10, 10, 10, 20]: p50 = 3rd, p95 = 6th
  assert.equal(s.jitterMs, {p50: 10, p95: 20, max: 20})
  assert.equal(s.rttMs, {p50: 50, p95: 100, max: 100})
  // MOS worst side: sorted best first [4.381, 4.381, 4.238, 3.420]: p50 = 2nd, p95 = 4th, worst = 3.420
  assert.equal(s.mos, {p50: 4.381, p95: 3.42, max: 3.42})
  // 500 000 bytes over 4 s (the reset interval is left out) = 1 Mb/s
  assert.is(s.bitrateBps, 1_000_000)
})

test('bands come from the p95 figures', () => {
  const s = summarizeStream(info, series)
  assert.equal(s.bands, {jitter: 'good', loss: 'poor', rtt: 'good', mos: 'poor'})
  const strict = {...DEFAULT_BANDS, jitterMs: {fair: 5, poor: 15}}
  assert.is(summarizeStream(info, series, strict).bands.jitter, 'poor')
})

test('duplicates lowering the lost counter count as no loss', () => {
  assert.is(
    intervalLossPercent(
      {time: 0, packetsReceived: 100, packetsLost: 5},
      {time: 1, packetsReceived: 200, packetsLost: 3},
    ),
    0,
  )
})

test('an interval without packets has no loss figure', () => {
  assert.is(
    intervalLossPercent(
      {time: 0, packetsReceived: 100, packetsLost: 5},
      {time: 1, packetsReceived: 100, packetsLost: 5},
    ),
    null,
  )
  assert.is(intervalLossPercent(undefined, {time: 0, packetsReceived: 100, packetsLost: 5}), null)
})

test('senders: fractionLost from the receiver report, else lost over sent', () => {
  assert.is(intervalLossPercent(undefined, {time: 0, packetsSent: 10, packetsLost: 1, fractionLost: 0.0625}), 6.25)
  assert.is(
    intervalLossPercent({time: 0, packetsSent: 100, packetsLost: 1}, {time: 1, packetsSent: 300, packetsLost: 5}),
    2,
  )
  const out = summarizeStream({...info, direction: 'outbound'}, [
    {time: 0, packetsSent: 100, packetsLost: 0, fractionLost: 0, jitterMs: 4, rttMs: 20},
    {time: 1000, packetsSent: 200, packetsLost: 8, fractionLost: 0.08, jitterMs: 4, rttMs: 20},
  ])
  assert.is(out.packets, 200)
  assert.equal(out.lossPercent, {p50: 0, p95: 8, max: 8})
})

test('a stream with no figures has null percentiles and bands', () => {
  const s = summarizeStream(info, [{time: 0}, {time: 1000}])
  assert.is(s.lossPercent, null)
  assert.is(s.jitterMs, null)
  assert.is(s.rttMs, null)
  assert.is(s.mos, null)
  assert.is(s.packets, null)
  assert.is(s.bitrateBps, null)
  assert.equal(s.bands, {jitter: null, loss: null, rtt: null, mos: null})
})

test('unsorted samples are sorted by time first', () => {
  const s = summarizeStream(info, [...series].reverse())
  assert.equal(s.lossPercent, {p50: 0, p95: 10, max: 10})
})

test('percentile helpers', () => {
  assert.equal(pctHigherWorse([3, 1, 2]), {p50: 2, p95: 3, max: 3})
  assert.equal(pctLowerWorse([4.4, 4.3, 3.0, 4.2]), {p50: 4.3, p95: 3, max: 3})
  assert.is(pctHigherWorse([]), null)
})

test('stream labels', () => {
  assert.is(streamLabel(info), 'inbound-rtp video ssrc 1234')
  assert.is(streamLabel({...info, direction: 'uplink', ssrc: null, kind: null}), 'uplink media IT01V1234')
})

test.run()
