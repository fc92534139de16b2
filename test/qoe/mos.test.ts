// test-kind: unit
// MOS at several (RTT, jitter, loss) points, against values computed by hand from the
// formula documented in src/qoe/mos.ts.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {estimateMos, mosFromR, rFactor} from '../../src/qoe/mos.js'
import {bandHigherWorse, bandMos, DEFAULT_BANDS} from '../../src/qoe/bands.js'
import {percentiles} from '../../src/qoe/percentiles.js'

const close = (a: number, b: number, eps = 1e-3) => Math.abs(a - b) < eps

const vectors: Array<[number, number, number, number, number]> = [
  // rtt, jitter, loss%, R, MOS
  [0, 0, 0, 92.95, 4.4044],
  [100, 10, 1, 88.7, 4.3059],
  [300, 30, 2, 78.2, 3.9542], // Le = 220 ms: past the 160 ms knee
  [600, 50, 10, 39.2, 2.025],
  [400, 100, 40, -35.8, 1],
]

for (const [rtt, jitter, loss, r, mos] of vectors) {
  test(`E-model at RTT ${rtt} ms, jitter ${jitter} ms, loss ${loss} %: R ${r}, MOS ${mos}`, () => {
    const input = {rttMs: rtt, jitterMs: jitter, lossPercent: loss}
    assert.ok(close(rFactor(input), r), `R ${rFactor(input)}`)
    assert.ok(close(estimateMos(input), mos, 1e-4), `MOS ${estimateMos(input)}`)
  })
}

test('MOS is clamped to 1..4.5', () => {
  assert.is(mosFromR(-5), 1)
  assert.is(mosFromR(120), 4.5)
})

test('bands with default and custom thresholds', () => {
  assert.is(bandMos(4.2, DEFAULT_BANDS.mos), 'good')
  assert.is(bandMos(3.8, DEFAULT_BANDS.mos), 'fair')
  assert.is(bandMos(2.0, DEFAULT_BANDS.mos), 'poor')
  assert.is(bandHigherWorse(35, DEFAULT_BANDS.jitterMs), 'poor')
  assert.is(bandHigherWorse(0.5, {fair: 0.1, poor: 1}), 'fair')
  assert.is(bandHigherWorse(null, DEFAULT_BANDS.rttMs), null)
})

test('nearest-rank percentiles', () => {
  const p = percentiles([5, 1, 4, 2, 3, null, 10, 9, 8, 7, 6])!
  assert.equal(p, {p50: 5, p95: 10, max: 10, count: 10})
  assert.is(percentiles([]), null)
  assert.equal(percentiles([7]), {p50: 7, p95: 7, max: 7, count: 1})
})

test.run()
