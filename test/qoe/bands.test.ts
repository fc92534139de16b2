// test-kind: unit
// Quality bands (src/qoe/bands.ts): the thresholds themselves belong to the band they bound
// (20 ms jitter is still good, MOS 4.0 is still good), the next value beyond falls out.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {bandHigherWorse, bandMos, DEFAULT_BANDS} from '../../src/qoe/bands.js'

test('jitter: at the fair and poor thresholds the band does not change yet', () => {
  const t = DEFAULT_BANDS.jitterMs
  assert.is(bandHigherWorse(0, t), 'good')
  assert.is(bandHigherWorse(20, t), 'good')
  assert.is(bandHigherWorse(20.1, t), 'fair')
  assert.is(bandHigherWorse(30, t), 'fair')
  assert.is(bandHigherWorse(30.1, t), 'poor')
})

test('loss and RTT use their own thresholds (1/3 % and 150/300 ms)', () => {
  assert.is(bandHigherWorse(1, DEFAULT_BANDS.lossPercent), 'good')
  assert.is(bandHigherWorse(1.5, DEFAULT_BANDS.lossPercent), 'fair')
  assert.is(bandHigherWorse(3.5, DEFAULT_BANDS.lossPercent), 'poor')
  assert.is(bandHigherWorse(150, DEFAULT_BANDS.rttMs), 'good')
  assert.is(bandHigherWorse(299, DEFAULT_BANDS.rttMs), 'fair')
  assert.is(bandHigherWorse(301, DEFAULT_BANDS.rttMs), 'poor')
})

test('MOS is lower-is-worse: 4.0 good, 3.6 fair, below 3.6 poor', () => {
  const t = DEFAULT_BANDS.mos
  assert.is(bandMos(4.4, t), 'good')
  assert.is(bandMos(4.0, t), 'good')
  assert.is(bandMos(3.99, t), 'fair')
  assert.is(bandMos(3.6, t), 'fair')
  assert.is(bandMos(3.59, t), 'poor')
  assert.is(bandMos(1, t), 'poor')
})

test('no figure (null) or NaN has no band, never "good"', () => {
  assert.is(bandHigherWorse(null, DEFAULT_BANDS.jitterMs), null)
  assert.is(bandHigherWorse(Number.NaN, DEFAULT_BANDS.jitterMs), null)
  assert.is(bandMos(null, DEFAULT_BANDS.mos), null)
  assert.is(bandMos(Number.NaN, DEFAULT_BANDS.mos), null)
})

test('custom thresholds are honoured', () => {
  assert.is(bandHigherWorse(6, {fair: 5, poor: 10}), 'fair')
  assert.is(bandMos(3, {fair: 3.5, poor: 2.5}), 'fair')
})

test.run()
