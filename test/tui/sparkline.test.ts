// test-kind: unit
// Sparklines (src/tui/sparkline.ts): one column per bucket of the window, newest on the
// right, the highest sample of a bucket scaled to the highest of the window on the eight
// block heights U+2581..U+2588; a bucket without samples is a space.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {sparkline} from '../../src/tui/sparkline.js'

const END = 100_000

test('one sample per second over 5 s, 5 columns: heights in proportion to the maximum', () => {
  // Values 0..7 map one to one on the 8 heights when the maximum is 7.
  const series = {t: [END - 4000, END - 3000, END - 2000, END - 1000, END], v: [0, 1, 2, 3, 7]}
  assert.is(sparkline(series, END, 5000, 5, 1000), '▁▂▃▄█')
})

test('a gap is a space; samples after the end or older than the window are left out', () => {
  const series = {t: [END - 9000, END - 4000, END - 1000, END + 1000], v: [9, 4, 4, 100]}
  assert.is(sparkline(series, END, 5000, 5, 1000), '█  █ ')
})

test('a bucket shows the highest of its samples', () => {
  const series = {t: [END - 1000, END - 990, END], v: [1, 8, 4]}
  // 4 of 8 is index round(4/8 * 7) = 4 of 0..7, the fifth height.
  assert.is(sparkline(series, END, 5000, 5, 1000), '   █▅')
})

test('never more columns than poll intervals in the window: the rest is padding on the left', () => {
  const series = {t: [END - 1000, END], v: [1, 1]}
  assert.is(sparkline(series, END, 5000, 10, 1000), '        ██')
  assert.is(sparkline(series, END, 5000, 10, 1000).length, 10)
})

test('fewer columns than intervals: buckets widen to fit the window', () => {
  // 60 s at 1 s polls in 3 columns: 20 s buckets.
  const series = {t: [END - 40_000, END], v: [2, 4]}
  assert.is(sparkline(series, END, 60_000, 3, 1000), '▅ █')
})

test('all zeros is the lowest block, not empty; no series is all spaces; no width is nothing', () => {
  assert.is(sparkline({t: [END], v: [0]}, END, 2000, 2, 1000), ' ▁')
  assert.is(sparkline(undefined, END, 5000, 4, 1000), '    ')
  assert.is(sparkline({t: [END], v: [1]}, END, 5000, 0, 1000), '')
})

test('from/to select a slice of shared arrays', () => {
  const series = {t: [END - 1000, END, END - 1000, END], v: [7, 7, 1, 7], from: 2, to: 4}
  assert.is(sparkline(series, END, 2000, 2, 1000), '▂█')
})

test.run()
