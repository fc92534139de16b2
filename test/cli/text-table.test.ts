// test-kind: unit
// src/cli/text-table.ts: the tables every list command prints. The expected texts below are
// what the hand-written renderer printed before cli-table3 drew them, byte for byte, so the
// switch changed no command's output for plain (single-width) text.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {renderTable} from '../../src/cli/text-table.js'

test('columns two spaces apart, headers in capitals, numbers right-aligned, "-" for empty cells', () => {
  const rows = [
    ['edge-1', 'running', 3, '0.5%'],
    ['edge-22', 'stopped', null, ''],
    ['e', undefined, 12, '10.25%'],
  ]
  assert.is(
    renderTable(['name', 'state', 'rooms', 'loss'], rows),
    'NAME     STATE    ROOMS    LOSS\n' +
      'edge-1   running      3    0.5%\n' +
      'edge-22  stopped      -       -\n' +
      'e        -           12  10.25%',
  )
})

test('no rows: the header line alone', () => {
  assert.is(renderTable(['id', 'note'], []), 'ID  NOTE')
})

test('a column is numeric only if every filled cell is a number; an empty last column leaves no trailing spaces', () => {
  assert.is(
    renderTable(
      ['a', 'b'],
      [
        ['x', 1],
        ['yy', 'n/a'],
      ],
    ),
    'A   B\nx   1\nyy  n/a',
  )
  assert.is(
    renderTable(
      ['a', 'last'],
      [
        ['x', ''],
        ['y', null],
      ],
    ),
    'A  LAST\nx  -\ny  -',
  )
})

test('wide characters take two columns, so the next column stays in line (the old renderer counted them as one)', () => {
  const out = renderTable(
    ['who', 'room'],
    [
      ['李小龙', 'a'],
      ['Jörg', 'b'],
    ],
  ).split('\n')
  assert.equal(out, ['WHO     ROOM', '李小龙  a', 'Jörg    b'])
})

test('plain text only: no colour or other escape sequences, whatever the terminal', () => {
  const before = process.env.FORCE_COLOR
  process.env.FORCE_COLOR = '1'
  try {
    assert.not.match(renderTable(['a', 'n'], [['x', 1]]), /\u001b/)
  } finally {
    if (before === undefined) delete process.env.FORCE_COLOR
    else process.env.FORCE_COLOR = before
  }
})

test.run()
