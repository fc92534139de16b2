// test-kind: unit
// Terminal text (src/tui/text.ts): what participants control never reaches the terminal as
// an escape sequence, widths count East Asian wide characters as two columns (UAX #11) and
// combining marks as none, and every number format stays within its documented width at its
// rounding boundaries.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  cellWidth,
  fit,
  fmtAge,
  fmtBitrate,
  fmtClock,
  fmtCount,
  fmtLoss,
  fmtLossPercent,
  fmtMos,
  fmtMs,
  fmtPercent,
  sanitize,
  truncate,
} from '../../src/tui/text.js'

test('sanitize: C0/C1 controls become ?, bidi overrides and zero-width characters vanish', () => {
  assert.is(sanitize('a\u001b[31mb'), 'a?[31mb')
  assert.is(sanitize('bell\u0007 del\u007f c1\u009b'), 'bell? del? c1?')
  assert.is(sanitize('\u202egnp.exe'), 'gnp.exe')
  assert.is(sanitize('zero\u200bwidth\ufeff'), 'zerowidth')
  assert.is(sanitize('Zoë 李'), 'Zoë 李')
})

test('cellWidth: wide CJK and emoji take two columns, combining marks none', () => {
  assert.is(cellWidth('abc'), 3)
  assert.is(cellWidth('漢字'), 4)
  assert.is(cellWidth('한'), 2)
  assert.is(cellWidth('😀'), 2)
  assert.is(cellWidth('e\u0301'), 1)
  assert.is(cellWidth(''), 0)
})

test('truncate and fit: at most the width, an ellipsis when cut, never half a wide character', () => {
  assert.is(truncate('abcdef', 6), 'abcdef')
  assert.is(truncate('abcdef', 4), 'abc…')
  assert.is(truncate('abc', 0), '')
  assert.is(truncate('abc', 1), '…')
  assert.is(truncate('漢字漢字', 5), '漢字…')
  assert.is(truncate('漢字漢字', 4), '漢…')
  assert.is(fit('漢字漢字', 4), '漢… ', 'padded to exactly 4 columns')
  assert.is(fit('ab', 4, 'right'), '  ab')
  assert.is(fit('ab', 4), 'ab  ')
})

test('fmtBitrate: SI steps at 999.5, one decimal below 9.95, at most 8 columns', () => {
  const cases: Array<[number | null | undefined, string]> = [
    [0, '0 b/s'],
    [-5, '0 b/s'],
    [999, '999 b/s'],
    [999.5, '1.0 kb/s'],
    [9_949, '9.9 kb/s'],
    [9_950, '10 kb/s'],
    [950_000, '950 kb/s'],
    [999_499, '999 kb/s'],
    [1_200_000, '1.2 Mb/s'],
    [12_000_000, '12 Mb/s'],
    [1.5e9, '1.5 Gb/s'],
    [null, '-'],
    [undefined, '-'],
    [Number.NaN, '-'],
  ]
  for (const [bps, text] of cases) assert.is(fmtBitrate(bps), text, String(bps))
  for (const bps of [999.4e3, 999.4e6, 999.4e9, 5e14]) assert.ok(fmtBitrate(bps).length <= 8, fmtBitrate(bps))
})

test('fmtLoss / fmtLossPercent: one decimal, 100% from 99.95 % up', () => {
  assert.is(fmtLoss(0), '0.0%')
  assert.is(fmtLoss(0.123), '12.3%')
  assert.is(fmtLoss(0.9994), '99.9%')
  assert.is(fmtLoss(0.9995), '100%')
  assert.is(fmtLoss(1), '100%')
  assert.is(fmtLoss(null), '-')
  assert.is(fmtLossPercent(12.3), '12.3%')
  assert.is(fmtLossPercent(undefined), '-')
  assert.is(fmtLossPercent(Number.POSITIVE_INFINITY), '-')
})

test('fmtMs: one decimal below 100 ms, whole ms from there, capped at 6 columns', () => {
  assert.is(fmtMs(0.44), '0.4')
  assert.is(fmtMs(12.34), '12.3')
  assert.is(fmtMs(99.94), '99.9')
  // 99.96 rounds to 100: written like every other whole figure, not as "100.0".
  assert.is(fmtMs(99.96), '100')
  assert.is(fmtMs(123.4), '123')
  assert.is(fmtMs(5_000_000), '999999')
  assert.is(fmtMs(null), '-')
})

test('fmtCount: k from 1000, one decimal below 9.95k, M from 999.5k', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [949.6, '950'],
    [999.4, '999'],
    [1000, '1.0k'],
    [9_949, '9.9k'],
    [9_950, '10k'],
    [123_400, '123k'],
    [999_499, '999k'],
    [999_500, '1.0M'],
    [1_234_567, '1.2M'],
    [-3, '0'],
  ]
  for (const [n, text] of cases) assert.is(fmtCount(n), text, String(n))
  assert.is(fmtCount(undefined), '-')
})

test('fmtMos and fmtPercent', () => {
  assert.is(fmtMos(4.4), '4.40')
  assert.is(fmtMos(3.456), '3.46')
  assert.is(fmtMos(null), '-')
  assert.is(fmtPercent(12.5), '13%')
  assert.is(fmtPercent(Number.NaN), '-')
})

test('fmtAge: s, m+s, h+m, d+h with two-digit second parts at each boundary', () => {
  const cases: Array<[number, string]> = [
    [-4, '0s'],
    [0, '0s'],
    [59.9, '59s'],
    [60, '1m00s'],
    [725, '12m05s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [11_520, '3h12m'],
    [86_399, '23h59m'],
    [86_400, '1d00h'],
    [183_600, '2d03h'],
  ]
  for (const [s, text] of cases) assert.is(fmtAge(s), text, String(s))
})

test('fmtClock: the UTC time of day of an ISO time', () => {
  assert.is(fmtClock('2026-11-30T12:03:04.567Z'), '12:03:04Z')
})

test.run()
