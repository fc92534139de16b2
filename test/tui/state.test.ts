// test-kind: unit
// Key handling through the reducer alone: no terminal, no Ink.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  currentView,
  initialState,
  listOf,
  reduce,
  selectedIndex,
  type KeyContext,
  type KeyInfo,
  type RowRef,
  type UiState,
} from '../../src/tui/state.js'

const nodes: RowRef[] = ['edge1', 'edge2', 'edge3'].map((n) => ({key: n, node: n, label: n}))
const rooms: RowRef[] = [
  {key: 'edge1\u0000standup', node: 'edge1', room: 'standup', label: 'standup'},
  {key: 'edge1\u0000lecture', node: 'edge1', room: 'lecture', label: 'lecture'},
]
const streams: RowRef[] = [
  {key: 'pa11ce\u0000a', node: 'edge1', room: 'standup', participantId: 'pa11ce', label: 'alice'},
  {key: 'pa11ce\u0000v', node: 'edge1', room: 'standup', participantId: 'pa11ce', label: 'alice'},
  {key: 'pb0b00\u0000a', node: 'edge1', room: 'standup', participantId: 'pb0b00', label: 'bob'},
]
const ctx = (rows: RowRef[], pageSize = 10): KeyContext => ({rows, pageSize, sortColumns: 4})

function press(s: UiState, input: string, rows: RowRef[], key: KeyInfo = {}): UiState {
  return reduce(s, {type: 'key', input, key, ctx: ctx(rows)})
}
const selected = (s: UiState, rows: RowRef[]) => rows[selectedIndex(listOf(s), rows)]?.key

test('j/k and the arrows move the cursor within the rows, and stop at the ends', () => {
  let s = initialState()
  assert.is(selected(s, nodes), 'edge1')
  s = press(s, 'j', nodes)
  assert.is(selected(s, nodes), 'edge2')
  s = press(s, '', nodes, {downArrow: true})
  s = press(s, '', nodes, {downArrow: true})
  assert.is(selected(s, nodes), 'edge3')
  s = press(s, 'k', nodes)
  s = press(s, '', nodes, {upArrow: true})
  s = press(s, 'k', nodes)
  assert.is(selected(s, nodes), 'edge1')
  s = press(s, 'G', nodes)
  assert.is(selected(s, nodes), 'edge3')
})

test('the cursor follows its row when the rows change order, and keeps its place when the row is gone', () => {
  let s = press(initialState(), 'j', nodes) // edge2
  const reordered = [nodes[2], nodes[1], nodes[0]]
  assert.is(selected(s, reordered), 'edge2')
  s = press(s, 'j', reordered) // edge1 (index 2)
  assert.is(selected(s, [nodes[1], nodes[2]]), 'edge3', 'row gone: same position, clamped')
})

test('Enter drills down fleet -> rooms of the node -> room -> participant; Esc goes back', () => {
  let s = press(initialState(), 'j', nodes)
  s = press(s, '', nodes, {return: true})
  assert.equal(currentView(s), {kind: 'rooms', node: 'edge2'})
  s = press(s, '', rooms, {return: true})
  assert.equal(currentView(s), {kind: 'room', node: 'edge1', room: 'standup'})
  s = press(s, 'j', streams)
  s = press(s, 'j', streams)
  s = press(s, '', streams, {return: true})
  assert.equal(currentView(s), {kind: 'participant', node: 'edge1', room: 'standup', participantId: 'pb0b00'})
  s = press(s, '', [], {escape: true})
  assert.equal(currentView(s), {kind: 'room', node: 'edge1', room: 'standup'})
  assert.is(selected(s, streams), 'pb0b00\u0000a', 'the room view remembers its cursor')
  s = press(s, '', streams, {escape: true})
  s = press(s, '', rooms, {escape: true})
  assert.equal(s.stack, [{kind: 'fleet'}])
  assert.is(press(s, '', nodes, {escape: true}), s, 'Esc at the top does nothing')
})

test('Tab switches between the fleet and the rooms view from anywhere', () => {
  let s = press(initialState(), '', nodes, {tab: true})
  assert.equal(s.stack, [{kind: 'rooms'}])
  s = press(s, '', rooms, {return: true})
  s = press(s, '', streams, {tab: true})
  assert.equal(s.stack, [{kind: 'fleet'}])
})

test('/ filters as you type; Backspace edits; Enter keeps it; Esc clears it, and a second Esc goes back', () => {
  let s = press(initialState({kind: 'rooms'}), '', rooms, {return: true}) // into standup
  s = press(s, '/', streams)
  assert.ok(s.editingFilter)
  for (const ch of 'bobx') s = press(s, ch, streams)
  assert.is(listOf(s).filter, 'bobx')
  s = press(s, '', streams, {backspace: true})
  assert.is(listOf(s).filter, 'bob')
  s = press(s, 'q', streams)
  assert.is(listOf(s).filter, 'bobq', 'q is text while typing a filter, not quit')
  assert.not.ok(s.quit)
  s = press(s, '', streams, {delete: true})
  s = press(s, '', streams, {return: true})
  assert.not.ok(s.editingFilter)
  assert.is(listOf(s).filter, 'bob')
  s = press(s, '', streams, {escape: true})
  assert.is(listOf(s).filter, '', 'first Esc clears the filter')
  assert.is(currentView(s).kind, 'room')
  s = press(s, '', streams, {escape: true})
  assert.is(currentView(s).kind, 'rooms')
  // Esc while typing drops the filter at once.
  s = press(press(press(s, '/', rooms), 'x', rooms), '', rooms, {escape: true})
  assert.equal([s.editingFilter, listOf(s).filter], [false, ''])
})

test('s cycles the sort column, S reverses; each view keeps its own', () => {
  let s = press(initialState(), 's', nodes)
  s = press(s, 's', nodes)
  assert.is(listOf(s).sort, 2)
  s = press(s, 'S', nodes)
  assert.ok(listOf(s).reverse)
  for (let i = 0; i < 2; i++) s = press(s, 's', nodes)
  assert.equal([listOf(s).sort, listOf(s).reverse], [0, false], 'wraps around, back to ascending')
  s = press(s, '', nodes, {tab: true})
  assert.is(listOf(s).sort, 0)
})

test('p pauses and resumes, ? opens help and any key closes it, q and Ctrl-C quit', () => {
  let s = press(initialState(), 'p', nodes)
  assert.ok(s.paused)
  s = press(s, 'p', nodes)
  assert.not.ok(s.paused)
  s = press(s, '?', nodes)
  assert.ok(s.help)
  s = press(s, 'j', nodes)
  assert.not.ok(s.help)
  assert.is(selected(s, nodes), 'edge1', 'the key that closed help did nothing else')
  assert.ok(press(s, 'q', nodes).quit)
  assert.ok(press(s, 'c', nodes, {ctrl: true}).quit)
})

test('K asks to kick the selected participant; only y confirms; the request is reported back', () => {
  let s = initialState({kind: 'room', node: 'edge1', room: 'standup'})
  s = press(press(s, 'j', streams), 'j', streams) // bob
  s = press(s, 'K', streams)
  assert.equal(s.confirm, {kind: 'kick', node: 'edge1', room: 'standup', participantId: 'pb0b00', label: 'bob'})
  const cancelled = press(s, 'n', streams)
  assert.equal([cancelled.confirm, cancelled.request], [null, null])
  const alsoCancelled = press(s, '', streams, {return: true})
  assert.is(alsoCancelled.request, null, 'Enter is not yes')
  s = press(s, 'y', streams)
  assert.equal(s.request, {kind: 'kick', node: 'edge1', room: 'standup', participantId: 'pb0b00', label: 'bob', id: 1})
  assert.is(press(s, 'K', streams).confirm, null, 'no second change while one runs')
  s = reduce(s, {type: 'done', id: 1, ok: true, message: 'kicked pb0b00'})
  assert.equal([s.request, s.message], [null, {text: 'kicked pb0b00', tone: 'info'}])
})

test('C asks to close the selected room (rooms view) or the room shown; K and C explain where they do not apply', () => {
  let s = press(initialState({kind: 'rooms'}), 'j', rooms)
  s = press(s, 'C', rooms)
  assert.equal(s.confirm, {kind: 'close', node: 'edge1', room: 'lecture'})
  s = press(s, 'Y', rooms)
  assert.equal(s.request?.kind, 'close')
  const fleet = press(initialState(), 'K', nodes)
  assert.is(fleet.confirm, null)
  assert.match(fleet.message!.text, /open a room first/)
  assert.match(press(initialState(), 'C', nodes).message!.text, /rooms view/)
  const inRoom = press(initialState({kind: 'room', node: 'edge1', room: 'standup'}), 'C', streams)
  assert.equal(inRoom.confirm, {kind: 'close', node: 'edge1', room: 'standup'})
})

test('a done action for another request changes nothing', () => {
  const s = initialState()
  assert.is(reduce(s, {type: 'done', id: 7, ok: true, message: 'x'}), s)
})

test.run()
