// Plain-text tables for command output, drawn by cli-table3 without borders or colours:
// columns two spaces apart, headers in capitals, numeric columns right-aligned, '-' for an
// empty cell. cli-table3 measures display width (wide CJK characters and emoji take two
// columns), so such names no longer push the columns after them out of line.
import Table from 'cli-table3'

export type Cell = string | number | null | undefined

const NUMBER = /^-?\d+(\.\d+)?%?$/
const isEmpty = (c: Cell) => c === null || c === undefined || c === ''

// Every border character empty, the column gap two spaces: output that reads the same in a
// terminal, a log file and a diff.
const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
}

/** Left-aligned columns, numeric ones (numbers or formatted numbers like "0.5") right-aligned,
 *  two spaces apart; '-' for empty cells. */
export function renderTable(headers: string[], rows: Cell[][]): string {
  const numeric = headers.map(
    (_, i) =>
      rows.some((r) => !isEmpty(r[i])) &&
      rows.every((r) => isEmpty(r[i]) || typeof r[i] === 'number' || NUMBER.test(String(r[i]))),
  )
  const table = new Table({
    head: headers.map((h) => h.toUpperCase()),
    chars: BORDERLESS,
    // No colours (the default head style is red) and no padding: the gap is the 'middle' char.
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true},
    colAligns: numeric.map((n) => (n ? 'right' : 'left')),
  })
  table.push(...rows.map((r) => headers.map((_, i) => (isEmpty(r[i]) ? '-' : String(r[i])))))
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
}
