// The dashboard's UI state and the one reducer that changes it. Every key goes through
// reduce(state, {type: 'key', ...}) with the rows the screen shows at that moment (the
// KeyContext), so key handling is a pure function that tests drive without a terminal.
// What the reducer cannot do itself (kick, close, quit) it asks for in `request` / `quit`;
// the App carries that out and reports back with a 'done' action.

export type View =
  | {kind: 'fleet'}
  | {kind: 'rooms'; node?: string}
  | {kind: 'room'; node: string; room: string}
  | {kind: 'participant'; node: string; room: string; participantId: string}

export type ViewKind = View['kind']

/** What a row on screen stands for; `key` is stable across ticks. */
export interface RowRef {
  key: string
  node?: string
  room?: string
  participantId?: string
  /** How to name it in a confirmation (e.g. the participant's identity). */
  label?: string
}

export interface KeyContext {
  /** The rows of the current view, filtered and sorted, as shown. */
  rows: readonly RowRef[]
  /** Rows visible at once (for PgUp/PgDn and scrolling). */
  pageSize: number
  /** Columns the view can be sorted by. */
  sortColumns: number
}

/** The subset of Ink's Key the dashboard reads. */
export interface KeyInfo {
  upArrow?: boolean
  downArrow?: boolean
  pageUp?: boolean
  pageDown?: boolean
  home?: boolean
  end?: boolean
  return?: boolean
  escape?: boolean
  tab?: boolean
  backspace?: boolean
  delete?: boolean
  ctrl?: boolean
  meta?: boolean
  shift?: boolean
}

export interface ListState {
  /** Key of the selected row, kept across ticks so the cursor stays on the same thing. */
  key: string | null
  /** Its position, for when that row is gone. */
  index: number
  /** First row shown. */
  top: number
  filter: string
  sort: number
  reverse: boolean
}

export type Pending =
  | {kind: 'kick'; node: string; room: string; participantId: string; label: string}
  | {kind: 'close'; node: string; room: string}

export interface Message {
  text: string
  tone: 'info' | 'error'
}

export interface UiState {
  /** Never empty; stack[0] is the fleet or the rooms view, Enter pushes, Esc pops. */
  stack: View[]
  lists: Record<string, ListState>
  editingFilter: boolean
  paused: boolean
  help: boolean
  confirm: Pending | null
  /** A confirmed change for the App to carry out; cleared by the 'done' action. */
  request: (Pending & {id: number}) | null
  message: Message | null
  quit: boolean
  seq: number
}

export type Action =
  {type: 'key'; input: string; key: KeyInfo; ctx: KeyContext} | {type: 'done'; id: number; ok: boolean; message: string}

/** The state at start: the fleet view, or the given view, or a stack of views (the last one
 *  shown, Esc going back through the others; the first should be the fleet or rooms view). */
export function initialState(view: View | readonly View[] = {kind: 'fleet'}): UiState {
  const stack = Array.isArray(view) ? [...(view as readonly View[])] : [view as View]
  if (stack.length === 0) stack.push({kind: 'fleet'})
  return {
    stack,
    lists: {},
    editingFilter: false,
    paused: false,
    help: false,
    confirm: null,
    request: null,
    message: null,
    quit: false,
    seq: 0,
  }
}

export function currentView(state: UiState): View {
  return state.stack[state.stack.length - 1]
}

export function listId(view: View): string {
  switch (view.kind) {
    case 'fleet':
      return 'fleet'
    case 'rooms':
      return `rooms:${view.node ?? '*'}`
    case 'room':
      return `room:${view.node}/${view.room}`
    case 'participant':
      return `participant:${view.node}/${view.room}/${view.participantId}`
  }
}

const EMPTY_LIST: ListState = {key: null, index: 0, top: 0, filter: '', sort: 0, reverse: false}

export function listOf(state: UiState, view: View = currentView(state)): ListState {
  return state.lists[listId(view)] ?? EMPTY_LIST
}

/** Index of the selected row among `rows` (the remembered key, else the remembered position). */
export function selectedIndex(list: ListState, rows: readonly RowRef[]): number {
  if (rows.length === 0) return -1
  if (list.key !== null) {
    const i = rows.findIndex((r) => r.key === list.key)
    if (i >= 0) return i
  }
  return Math.min(Math.max(0, list.index), rows.length - 1)
}

/** First row to show so that the selection is visible, starting from the remembered one. */
export function scrollTop(list: ListState, selected: number, total: number, page: number): number {
  if (page <= 0 || total <= page) return 0
  let top = Math.min(list.top, total - page)
  if (selected >= 0 && selected < top) top = selected
  if (selected >= top + page) top = selected - page + 1
  return Math.max(0, top)
}

export const HELP: [string, string][] = [
  ['↑/↓  j/k', 'move the cursor (PgUp/PgDn, Home/End: by page, to the ends)'],
  ['Enter', 'open: node -> its rooms, room -> participants, row -> participant'],
  ['Esc', 'clear the filter, then back'],
  ['Tab', 'switch between the fleet and the rooms view'],
  ['/', 'filter (as you type; Enter keeps it, Esc clears it)'],
  ['s  S', 'sort by the next column / reverse the order'],
  ['p', 'pause / resume the display (polling goes on)'],
  ['K', 'kick the selected participant (asks y/N)'],
  ['C', 'close the selected room (asks y/N)'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit'],
]

export function reduce(state: UiState, action: Action): UiState {
  if (action.type === 'done') {
    if (state.request?.id !== action.id) return state
    return {...state, request: null, message: {text: action.message, tone: action.ok ? 'info' : 'error'}}
  }
  return reduceKey(state, action.input, action.key, action.ctx)
}

function reduceKey(s: UiState, input: string, key: KeyInfo, ctx: KeyContext): UiState {
  if (key.ctrl && input === 'c') return {...s, quit: true}
  // A pending y/N question takes the next key, whatever it is.
  if (s.confirm) {
    if (input === 'y' || input === 'Y') {
      const id = s.seq + 1
      const what = s.confirm.kind === 'kick' ? `kicking ${s.confirm.label}…` : `closing room '${s.confirm.room}'…`
      return {...s, seq: id, confirm: null, request: {...s.confirm, id}, message: {text: what, tone: 'info'}}
    }
    return {...s, confirm: null, message: {text: 'cancelled.', tone: 'info'}}
  }
  const cleared: UiState = s.message ? {...s, message: null} : s
  if (s.help) {
    if (input === 'q') return {...cleared, quit: true}
    return {...cleared, help: false}
  }
  if (s.editingFilter) return filterKey(cleared, input, key, ctx)

  if (input === 'q') return {...cleared, quit: true}
  if (key.upArrow || input === 'k') return move(cleared, ctx, -1)
  if (key.downArrow || input === 'j') return move(cleared, ctx, 1)
  if (key.pageUp) return move(cleared, ctx, -Math.max(1, ctx.pageSize))
  if (key.pageDown) return move(cleared, ctx, Math.max(1, ctx.pageSize))
  if (key.home || input === 'g') return move(cleared, ctx, -Infinity)
  if (key.end || input === 'G') return move(cleared, ctx, Infinity)
  if (key.return) return enter(cleared, ctx)
  if (key.escape) return back(cleared)
  if (key.tab) {
    const top: View = currentView(s).kind === 'fleet' ? {kind: 'rooms'} : {kind: 'fleet'}
    return {...cleared, stack: [top]}
  }
  if (input === '/') return {...cleared, editingFilter: true}
  if (input === 's' && ctx.sortColumns > 0)
    return updateList(cleared, (l) => ({...l, sort: (l.sort + 1) % ctx.sortColumns, reverse: false}))
  if (input === 'S' && ctx.sortColumns > 0) return updateList(cleared, (l) => ({...l, reverse: !l.reverse}))
  if (input === 'p') return {...cleared, paused: !s.paused}
  if (input === '?') return {...cleared, help: true}
  if (input === 'K') return askKick(cleared, ctx)
  if (input === 'C') return askClose(cleared, ctx)
  return cleared
}

function filterKey(s: UiState, input: string, key: KeyInfo, ctx: KeyContext): UiState {
  if (key.escape) return updateList({...s, editingFilter: false}, (l) => ({...l, filter: ''}))
  if (key.return) return {...s, editingFilter: false}
  if (key.upArrow) return move(s, ctx, -1)
  if (key.downArrow) return move(s, ctx, 1)
  if (key.backspace || key.delete) return updateList(s, (l) => ({...l, filter: [...l.filter].slice(0, -1).join('')}))
  if (key.ctrl || key.meta || key.tab || !input) return s
  // Printable input only (a paste arrives as one string).
  const text = input.replace(/[\u0000-\u001f\u007f]/g, '')
  if (!text) return s
  return updateList(s, (l) => ({...l, filter: l.filter + text, index: 0, key: null, top: 0}))
}

function updateList(s: UiState, fn: (l: ListState) => ListState): UiState {
  const id = listId(currentView(s))
  return {...s, lists: {...s.lists, [id]: fn(s.lists[id] ?? EMPTY_LIST)}}
}

function move(s: UiState, ctx: KeyContext, delta: number): UiState {
  const n = ctx.rows.length
  if (n === 0) return s
  return updateList(s, (l) => {
    const from = selectedIndex(l, ctx.rows)
    const to = delta === -Infinity ? 0 : delta === Infinity ? n - 1 : Math.min(n - 1, Math.max(0, from + delta))
    const top = scrollTop(l, to, n, ctx.pageSize)
    return {...l, key: ctx.rows[to].key, index: to, top}
  })
}

function selectedRow(s: UiState, ctx: KeyContext): RowRef | undefined {
  const i = selectedIndex(listOf(s), ctx.rows)
  return i >= 0 ? ctx.rows[i] : undefined
}

function enter(s: UiState, ctx: KeyContext): UiState {
  const view = currentView(s)
  const row = selectedRow(s, ctx)
  if (!row) return s
  let next: View | undefined
  if (view.kind === 'fleet' && row.node) next = {kind: 'rooms', node: row.node}
  else if (view.kind === 'rooms' && row.node && row.room) next = {kind: 'room', node: row.node, room: row.room}
  else if (view.kind === 'room' && row.participantId)
    next = {kind: 'participant', node: view.node, room: view.room, participantId: row.participantId}
  return next ? {...s, stack: [...s.stack, next]} : s
}

function back(s: UiState): UiState {
  if (listOf(s).filter) return updateList(s, (l) => ({...l, filter: ''}))
  if (s.stack.length > 1) return {...s, stack: s.stack.slice(0, -1)}
  return s
}

function askKick(s: UiState, ctx: KeyContext): UiState {
  const view = currentView(s)
  if (s.request) return {...s, message: {text: 'still busy with the last change…', tone: 'info'}}
  if (view.kind !== 'room' && view.kind !== 'participant') {
    return {...s, message: {text: 'K kicks a participant: open a room first (Enter).', tone: 'info'}}
  }
  const row = selectedRow(s, ctx)
  if (!row?.participantId) return {...s, message: {text: 'no participant selected.', tone: 'info'}}
  return {
    ...s,
    confirm: {
      kind: 'kick',
      node: view.node,
      room: view.room,
      participantId: row.participantId,
      label: row.label ?? row.participantId,
    },
  }
}

function askClose(s: UiState, ctx: KeyContext): UiState {
  const view = currentView(s)
  if (s.request) return {...s, message: {text: 'still busy with the last change…', tone: 'info'}}
  if (view.kind === 'room' || view.kind === 'participant')
    return {...s, confirm: {kind: 'close', node: view.node, room: view.room}}
  if (view.kind === 'rooms') {
    const row = selectedRow(s, ctx)
    if (row?.node && row.room) return {...s, confirm: {kind: 'close', node: row.node, room: row.room}}
    return {...s, message: {text: 'no room selected.', tone: 'info'}}
  }
  return {...s, message: {text: 'C closes a room: select one in the rooms view (Tab).', tone: 'info'}}
}

export function confirmQuestion(c: Pending): string {
  return c.kind === 'kick'
    ? `Kick ${c.label} (${c.participantId}) from ${c.room} on ${c.node}? [y/N]`
    : `Close room ${c.room} on ${c.node}, disconnecting everyone? [y/N]`
}
