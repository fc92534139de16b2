// test-kind: unit
// Table layout (src/tui/layout.ts): columns that do not fit go least important first,
// spare room goes to flexible columns by weight up to their maximum, and every line built
// is exactly the width asked for.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  type Column,
  layoutColumns,
  lineText,
  merge,
  padLines,
  splitLine,
  tableLine,
  textLine,
} from '../../src/tui/layout.js'
import {cellWidth} from '../../src/tui/text.js'
import {makeTheme} from '../../src/tui/theme.js'

const col = (
  title: string,
  width: number,
  priority: number,
  extra: Partial<Column<unknown>> = {},
): Column<unknown> => ({
  title,
  width,
  priority,
  cell: () => ({text: title}),
  ...extra,
})
const widths = (laid: {col: Column<unknown>; width: number}[]) => laid.map((l) => `${l.col.title}:${l.width}`)

const A = col('A', 10, 1)
const B = col('B', 5, 3)
const C = col('C', 8, 2, {flex: 1, max: 20})

test('everything fits: the flexible column takes the spare room up to its max', () => {
  // Needed: gutter 1 + 10 + 5 + 8 + 3 gaps = 27; 40 leaves 13, C may grow by 12 only.
  assert.equal(widths(layoutColumns([A, B, C], 40)), ['A:10', 'B:5', 'C:20'])
  assert.equal(widths(layoutColumns([A, B, C], 27)), ['A:10', 'B:5', 'C:8'])
})

test('too narrow: the highest priority number goes first, then the next', () => {
  assert.equal(widths(layoutColumns([A, B, C], 26)), ['A:10', 'C:13'], 'B dropped; C takes what it freed')
  assert.equal(widths(layoutColumns([A, B, C], 20)), ['A:10'])
  // The last column is always kept, even when it does not fit.
  assert.equal(widths(layoutColumns([A, B, C], 3)), ['A:10'])
})

test('equal priorities: the rightmost goes first', () => {
  const x = col('X', 5, 2)
  const y = col('Y', 5, 2)
  assert.equal(widths(layoutColumns([A, x, y], 20)), ['A:10', 'X:5'])
})

test('spare room is shared by weight; what rounding leaves goes to the first open column', () => {
  const p = col('P', 4, 1, {flex: 1})
  const q = col('Q', 4, 1, {flex: 2})
  // Needed 1 + 8 + 2 = 11; width 21 leaves 10: floor(10/3) = 3 and floor(20/3) = 6, then 1 left.
  assert.equal(widths(layoutColumns([p, q], 21)), ['P:8', 'Q:10'])
})

test('tableLine: gutter marker, one gap per column, cells fitted and aligned, padded to the width', () => {
  const theme = makeTheme(0)
  const laid = [
    {col: {}, width: 6},
    {col: {align: 'right' as const}, width: 4},
  ]
  const line = tableLine([{text: 'alice-long'}, {text: '12'}], laid, 16, theme)
  assert.is(lineText(line), '  alice…   12   ')
  const selected = tableLine([{text: 'bob'}, {text: '1'}], laid, 16, theme, {selected: true})
  assert.is(lineText(selected), '› bob       1   ')
  assert.equal(selected[0]!.style, {inverse: true, bold: true})
})

test('textLine cuts or pads to exactly the width, counting wide characters as two', () => {
  assert.is(lineText(textLine([{text: 'ab'}, {text: 'cdef'}], 4)), 'abc…')
  assert.is(lineText(textLine([{text: '漢字'}], 6)), '漢字  ')
  assert.is(cellWidth(lineText(textLine([{text: 'x'}, {text: '漢字漢字'}], 4))), 4)
  assert.is(lineText(textLine([], 3)), '   ')
})

test('splitLine puts the right part flush right and cuts the left part first', () => {
  assert.is(lineText(splitLine([{text: 'Fleet'}], [{text: '12:00Z'}], 15)), 'Fleet    12:00Z')
  assert.is(lineText(splitLine([{text: 'Rooms on edge1'}], [{text: '12:00Z'}], 12)), 'Rooms…12:00Z')
  // The right part alone does not fit: only the left part is shown.
  assert.is(lineText(splitLine([{text: 'Fleet'}], [{text: '12:00:00Z'}], 9)), 'Fleet    ')
})

test('merge: the second style wins per property; either may be missing', () => {
  assert.equal(merge({bold: true, color: 'red'}, {color: 'green'}), {bold: true, color: 'green'})
  assert.equal(merge(undefined, {dim: true}), {dim: true})
  assert.equal(merge({dim: true}, undefined), {dim: true})
  assert.is(merge(undefined, undefined), undefined)
})

test('padLines: exactly n lines of the width', () => {
  const lines = padLines([[{text: 'a'}], [{text: 'b'}], [{text: 'c'}]], 2, 3)
  assert.equal(lines.map(lineText), ['a', 'b'])
  assert.equal(padLines([[{text: 'a'}]], 3, 2).map(lineText), ['a', '  ', '  '])
})

test.run()
