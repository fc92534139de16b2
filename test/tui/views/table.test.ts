// test-kind: unit
// The table engine of every view (src/tui/views/table.ts): filter, sort with missing figures
// last in both directions, the sort label, scrolling to keep the selection visible.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {rightInfo, table} from '../../../src/tui/views/table.js'
import {initialState, listId, type ListState, type UiState} from '../../../src/tui/state.js'
import {makeTheme} from '../../../src/tui/theme.js'
import {lineText, type Column} from '../../../src/tui/layout.js'
import type {TableRow} from '../../../src/tui/views/view-types.js'

interface Room {
  name: string
  people: number | null
}
const theme = makeTheme(0)
const columns: Column<Room>[] = [
  {title: 'Room', width: 8, priority: 1, cell: (r) => ({text: r.name}), sort: (r) => r.name},
  {
    title: 'People',
    width: 6,
    priority: 1,
    align: 'right',
    cell: (r) => ({text: r.people === null ? '-' : String(r.people)}),
    sort: (r) => r.people,
    desc: true,
  },
]
const rows = (list: Room[]): TableRow<Room>[] =>
  list.map((r) => ({ref: {key: r.name}, data: r, search: r.name.toLowerCase()}))
const ROOMS = rows([
  {name: 'beta', people: 3},
  {name: 'alpha', people: null},
  {name: 'gamma', people: 9},
  {name: 'delta', people: 3},
])

function ui(list: Partial<ListState> = {}): UiState {
  const state = initialState({kind: 'fleet'})
  state.lists[listId({kind: 'fleet'})] = {key: null, index: 0, top: 0, filter: '', sort: 0, reverse: false, ...list}
  return state
}
const names = (body: ReturnType<typeof table>['body']) => body.slice(1).map((l) => lineText(l).slice(2, 10).trim())

test('sorted by the first sortable column, ascending; heading first', () => {
  const out = table(ui(), columns, ROOMS, 20, 10, theme, 'no rooms')
  assert.is(lineText(out.body[0]!), '  Room     People   ', 'padded to the width, 20')
  assert.equal(names(out.body), ['alpha', 'beta', 'delta', 'gamma'])
  assert.is(out.sortLabel, '▲room')
  assert.equal(out.ctx.sortColumns, 2)
  assert.equal(
    out.ctx.rows.map((r) => r.key),
    ['alpha', 'beta', 'delta', 'gamma'],
  )
})

test('a desc column sorts largest first, ties by key, missing figures last; reversed they stay last', () => {
  const down = table(ui({sort: 1}), columns, ROOMS, 20, 10, theme, '')
  assert.equal(names(down.body), ['gamma', 'beta', 'delta', 'alpha'])
  assert.is(down.sortLabel, '▼people')
  const up = table(ui({sort: 1, reverse: true}), columns, ROOMS, 20, 10, theme, '')
  assert.equal(names(up.body), ['beta', 'delta', 'gamma', 'alpha'])
  assert.is(up.sortLabel, '▲people')
  // sort wraps around the sortable columns
  assert.equal(names(table(ui({sort: 3}), columns, ROOMS, 20, 10, theme, '').body), names(down.body))
})

test('the filter narrows rows case-insensitively and says when nothing matches', () => {
  assert.equal(names(table(ui({filter: 'TA'}), columns, ROOMS, 20, 10, theme, '').body), ['beta', 'delta'])
  const none = table(ui({filter: 'zzz'}), columns, ROOMS, 30, 10, theme, 'no rooms')
  assert.is(lineText(none.body[1]!).trim(), "nothing matches 'zzz'")
  const empty = table(ui(), columns, [], 20, 10, theme, 'no rooms')
  assert.is(lineText(empty.body[1]!).trim(), 'no rooms')
})

test('the selected row is marked and kept in view as the list scrolls', () => {
  // Height 3: a heading and a page of 2 rows. Selecting 'gamma' (4th) scrolls to show it.
  const out = table(ui({key: 'gamma'}), columns, ROOMS, 20, 3, theme, '')
  assert.is(out.ctx.pageSize, 2)
  assert.equal(
    out.body.slice(1).map((l) => lineText(l).slice(0, 8)),
    ['  delta ', '› gamma '],
  )
  // The key is gone: the cursor stays at its index.
  const gone = table(ui({key: 'omega', index: 1}), columns, ROOMS, 20, 10, theme, '')
  assert.ok(lineText(gone.body[2]!).startsWith('› beta'))
})

test('rightInfo: the filter with counts, then the sort label', () => {
  const parts = rightInfo(ui({filter: 'ta'}), '▲room', 2, 4, theme)
  assert.is(lineText(parts), " filter 'ta' (2/4) ▲room ")
  assert.is(lineText(rightInfo(ui(), '', 4, 4, theme)), '')
})

test.run()
