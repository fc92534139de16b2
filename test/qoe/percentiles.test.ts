// test-kind: unit
// Nearest-rank percentiles (src/qoe/percentiles.ts). Known values: the nearest-rank worked
// example on Wikipedia's "Percentile" page ({15, 20, 35, 40, 50}: p30 = 20, p40 = 20,
// p50 = 35, p100 = 50) and ranks computed by hand as ceil(p/100 * n).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {nearestRank, percentiles} from '../../src/qoe/percentiles.js'

test('nearestRank follows the textbook example: a measured value, never interpolated', () => {
  const sorted = [15, 20, 35, 40, 50]
  assert.is(nearestRank(sorted, 5), 15)
  assert.is(nearestRank(sorted, 30), 20)
  assert.is(nearestRank(sorted, 40), 20)
  assert.is(nearestRank(sorted, 50), 35)
  assert.is(nearestRank(sorted, 100), 50)
})

test('nearestRank: p0 is the smallest value (rank never below 1)', () => {
  assert.is(nearestRank([3, 7], 0), 3)
})

test('nearestRank refuses an empty window', () => {
  assert.throws(() => nearestRank([], 50), /no samples/)
})

test('percentiles of 1..20: p50 is rank 10, p95 is rank 19 (not 20), max 20', () => {
  const values = Array.from({length: 20}, (_, i) => 20 - i) // unsorted on purpose
  assert.equal(percentiles(values), {p50: 10, p95: 19, max: 20, count: 20})
})

test('percentiles sorts numerically, not as strings', () => {
  // A string sort would put 100 before 9.
  assert.equal(percentiles([9, 100, 20]), {p50: 20, p95: 100, max: 100, count: 3})
})

test('percentiles skips null, undefined and NaN, and counts only real samples', () => {
  assert.equal(percentiles([null, 4, undefined, Number.NaN, 2]), {p50: 2, p95: 4, max: 4, count: 2})
})

test('percentiles of nothing measurable is null', () => {
  assert.is(percentiles([]), null)
  assert.is(percentiles([null, Number.NaN]), null)
})

test('percentiles accepts any iterable, e.g. a generator', () => {
  function* gen() {
    yield 5
    yield 1
  }
  assert.equal(percentiles(gen()), {p50: 1, p95: 5, max: 5, count: 2})
})

test.run()
