// test-kind: unit
// The kept stats of one peer connection (src/qoe/import/stat-series.ts): numeric columns
// aligned with the sample times (NaN where a sample lacks a figure), last values of the
// descriptive fields, the binary search by time, and which getStats() objects are kept.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {isUsed, PcStats, StatSeries} from '../../../src/qoe/import/stat-series.js'

test('a column that starts later is padded with NaN so it stays aligned with the times', () => {
  const s = new StatSeries('IT01V', 'inbound-rtp')
  s.add(1000, {packetsReceived: 10, kind: 'video'})
  s.add(2000, {packetsReceived: 20, jitter: 0.004})
  s.add(3000, {packetsReceived: 'x', jitter: Number.POSITIVE_INFINITY, ssrc: 42})
  assert.equal(s.times, [1000, 2000, 3000])
  assert.equal(s.column('packetsReceived'), [10, 20, Number.NaN])
  assert.equal(s.column('jitter'), [Number.NaN, 0.004, Number.NaN])
  assert.is(s.column('bytesReceived'), undefined, 'never seen: no column at all')
  assert.is(s.length, 3)
})

test('descriptive fields keep their last scalar value; objects and unknown names are ignored', () => {
  const s = new StatSeries('x', 'outbound-rtp')
  s.add(1, {kind: 'audio', ssrc: 1, nominated: true, codecId: 'C1'})
  s.add(2, {kind: {nested: 1}, ssrc: 2, somethingElse: 'y'})
  assert.equal(s.last, {kind: 'audio', ssrc: 2, nominated: true, codecId: 'C1'})
})

test('indexAtOrBefore: the last sample at or before a time, with optional slack', () => {
  const s = new StatSeries('x', 'candidate-pair')
  for (const t of [1000, 2000, 3000, 4000]) s.add(t, {})
  assert.is(s.indexAtOrBefore(999), -1)
  assert.is(s.indexAtOrBefore(1000), 0)
  assert.is(s.indexAtOrBefore(2999), 1)
  assert.is(s.indexAtOrBefore(3000), 2)
  assert.is(s.indexAtOrBefore(99_999), 3)
  assert.is(s.indexAtOrBefore(2800, 250), 2, 'within a quarter second of the next sample')
  assert.is(s.indexAtOrBefore(2700, 250), 1)
  assert.is(new StatSeries('e', 'codec').indexAtOrBefore(1), -1)
})

test("addReport keeps relevant types only, by id, and uses each object's own timestamp", () => {
  const pc = new PcStats('7-1')
  pc.addReport(5000, {
    IT01V: {id: 'IT01V', type: 'inbound-rtp', timestamp: 4990, packetsReceived: 5},
    CF: {id: 'CF', type: 'certificate', timestamp: 4990},
    junk: 'not an object',
    none: null,
    untyped: {id: 'untyped'},
  })
  assert.equal([...pc.stats.keys()], ['IT01V'])
  assert.equal(pc.stats.get('IT01V')!.times, [4990])
  // No usable timestamp: the poll time.
  pc.addReport(6000, {IT01V: {type: 'inbound-rtp', timestamp: 'soon', packetsReceived: 6}})
  assert.equal(pc.stats.get('IT01V')!.times, [4990, 6000])
  assert.equal(
    pc.ofType('inbound-rtp').map((s) => s.id),
    ['IT01V'],
  )
  assert.equal(pc.ofType('outbound-rtp'), [])
})

test('addReport: a remote report whose timestamp did not move is still sampled, never going back in time', () => {
  const pc = new PcStats('p')
  pc.addReport(1000, {R: {type: 'remote-inbound-rtp', timestamp: 900, roundTripTime: 0.05}})
  pc.addReport(2000, {R: {type: 'remote-inbound-rtp', timestamp: 900, roundTripTime: 0.05}})
  pc.addReport(3000, {R: {type: 'remote-inbound-rtp', timestamp: 800, roundTripTime: 0.06}})
  const r = pc.stats.get('R')!
  assert.equal(r.times, [900, 900, 900])
  assert.equal(r.column('roundTripTime'), [0.05, 0.05, 0.06])
  assert.is(r.indexAtOrBefore(900), 2, 'the latest of equal times')
})

test('isUsed: the attributes the summaries read, per type', () => {
  assert.ok(isUsed('inbound-rtp', 'jitter'))
  assert.ok(isUsed('remote-inbound-rtp', 'fractionLost'))
  assert.not.ok(isUsed('outbound-rtp', 'jitter'), 'an outbound stream has no jitter of its own')
  assert.not.ok(isUsed('inbound-rtp', 'framesDecoded'))
  assert.not.ok(isUsed('certificate', 'timestamp'))
  assert.ok(isUsed('codec', 'mimeType'))
})

test.run()
