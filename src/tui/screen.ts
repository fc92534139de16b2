// The whole dashboard screen as lines, from one snapshot tick, the UI state and the terminal
// size: a pure function (no I/O, no clock: times are relative to the snapshot's own time).
// It also returns the KeyContext (the rows as shown), which the key reducer needs.
//
// Layout (height H): title bar, view line, body (H - 3 lines), key bar. The last column of
// the terminal stays unused (see usableWidth).
import {bandHigherWorse, bandMos, DEFAULT_BANDS, type Band} from '../qoe/bands.js'
import {
  secondsSince,
  type FleetSnapshot,
  type NodeSnapshot,
  type RoomSnapshot,
  type SnapshotParticipant,
} from '../fleet/snapshot.js'
import type {SnapshotTick} from '../fleet/snapshot-poller.js'
import {streamKey} from '../fleet/snapshot.js'
import type {StreamStats} from '../api/node-api.js'
import {layoutColumns, lineText, splitLine, tableLine, textLine, type Cell, type Column, type Line} from './layout.js'
import {sparkline} from './sparkline.js'
import {
  confirmQuestion,
  currentView,
  HELP,
  listOf,
  scrollTop,
  selectedIndex,
  type KeyContext,
  type RowRef,
  type UiState,
  type View,
} from './state.js'
import {
  cellWidth,
  fmtAge,
  fmtBitrate,
  fmtClock,
  fmtCount,
  fmtLoss,
  fmtMos,
  fmtMs,
  fmtPercent,
  sanitize,
} from './text.js'
import type {Theme, Tone} from './theme.js'

export interface ScreenOptions {
  width: number
  height: number
  theme: Theme
  /** --show-ip was given (the snapshot then carries the addresses). */
  showIp: boolean
}

export interface ScreenResult {
  lines: Line[]
  ctx: KeyContext
}

export const MIN_WIDTH = 40
export const MIN_HEIGHT = 8

/** Columns used: the last terminal column stays empty (writing into it leaves some terminals
 *  in a pending-wrap state that the next erase-to-end-of-line would clear). */
export function usableWidth(columns: number): number {
  return Math.max(1, columns - 1)
}

interface TableRow<R> {
  ref: RowRef
  data: R
  search: string
}

export function renderScreen(tick: SnapshotTick | undefined, ui: UiState, opts: ScreenOptions): ScreenResult {
  const width = usableWidth(opts.width)
  const height = Math.max(1, opts.height)
  const {theme} = opts
  if (opts.width < MIN_WIDTH || opts.height < MIN_HEIGHT) {
    const lines = [
      textLine([{text: `needs ${MIN_WIDTH}x${MIN_HEIGHT} or more (now ${opts.width}x${opts.height}); q quits`}], width),
    ]
    return {lines: pad(lines, height, width), ctx: {rows: [], pageSize: 1, sortColumns: 0}}
  }
  const view = currentView(ui)
  const bodyHeight = height - 3
  const top = titleBar(tick?.snapshot, ui, width, theme)
  let body: Line[]
  let ctx: KeyContext
  let viewLine: Line
  if (!tick) {
    body = [textLine([{text: 'waiting for the first answers from the nodes…', style: theme.tone('muted')}], width)]
    ctx = {rows: [], pageSize: bodyHeight - 1, sortColumns: 0}
    viewLine = textLine([{text: viewTitle(view), style: theme.tone('title')}], width)
  } else {
    const built = buildView(tick, ui, view, width, bodyHeight, opts)
    body = built.body
    ctx = built.ctx
    viewLine = splitLine([{text: built.title, style: theme.tone('title')}], built.right, width)
  }
  if (ui.help) body = helpLines(width, theme)
  const lines = [top, viewLine, ...pad(body.slice(0, bodyHeight), bodyHeight, width), keyBar(ui, width, theme, ctx)]
  return {lines, ctx}
}

function pad(lines: Line[], n: number, width: number): Line[] {
  const out = lines.slice(0, n)
  while (out.length < n) out.push([{text: ' '.repeat(width)}])
  return out
}

function viewTitle(view: View): string {
  switch (view.kind) {
    case 'fleet':
      return 'Fleet'
    case 'rooms':
      return view.node ? `Rooms on ${sanitize(view.node)}` : 'Rooms'
    case 'room':
      return `Room ${sanitize(view.room)} on ${sanitize(view.node)}`
    case 'participant':
      return `Participant in ${sanitize(view.room)} on ${sanitize(view.node)}`
  }
}

// ---- bars ------------------------------------------------------------------------------------

function titleBar(snap: FleetSnapshot | undefined, ui: UiState, width: number, theme: Theme): Line {
  const pausedMark: Line = ui.paused
    ? [{text: ' PAUSED ', style: {...theme.tone('fair'), inverse: true, bold: true}}, {text: ' '}]
    : []
  if (!snap) return textLine([...pausedMark, {text: ' top │ polling… ', style: {bold: true}}], width, theme.bar)
  const up = snap.nodes.filter((n) => n.state === 'up').length
  const draining = snap.nodes.filter((n) => n.state === 'draining').length
  const unreachable = snap.nodes.length - up - draining
  let rooms = 0
  let people = 0
  for (const n of snap.nodes) {
    rooms += n.totals?.rooms ?? 0
    people += n.totals?.participants ?? 0
  }
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`
  const states: Line = [
    {text: `${plural(snap.nodes.length, 'node')}: `},
    {text: `${up} up`, style: theme.tone(up ? 'up' : 'muted')},
  ]
  if (draining) states.push({text: `, ${draining} draining`, style: theme.tone('draining')})
  if (unreachable) states.push({text: `, ${unreachable} unreachable`, style: theme.tone('unreachable')})
  const clock: Line = [{text: `${fmtClock(snap.time)} `, style: theme.tone('muted')}]
  // The longest variant that fits; the time of the snapshot stays as long as anything can.
  const variants: [string, string, Line][] = [
    [
      ' confctl top │ ',
      ` │ ${plural(rooms, 'room')} │ ${plural(people, 'participant')} │ every ${fmtInterval(snap.intervalMs)} `,
      clock,
    ],
    [' top │ ', ` │ ${plural(rooms, 'room')} │ ${plural(people, 'participant')} `, clock],
    [' top │ ', ` │ ${plural(rooms, 'room')} │ ${people} part. `, clock],
    [' ', ` │ ${plural(rooms, 'room')} `, clock],
    [' ', ' ', clock],
  ]
  for (const [name, rest, right] of variants) {
    const left: Line = [...pausedMark, {text: name, style: {bold: true}}, ...states, {text: rest}]
    const w = [...left, ...right].reduce((a, s) => a + cellWidth(s.text), 0)
    if (w <= width) return splitLine(left, right, width, theme.bar)
  }
  return textLine([...pausedMark, ...states], width, theme.bar)
}

function fmtInterval(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

function keyBar(ui: UiState, width: number, theme: Theme, ctx: KeyContext): Line {
  if (ui.confirm)
    return textLine([{text: ` ${confirmQuestion(ui.confirm)} `, style: theme.tone('error')}], width, theme.bar)
  const list = listOf(ui)
  if (ui.editingFilter) {
    return splitLine(
      [{text: ' /', style: theme.tone('accent')}, {text: `${list.filter}▏`}],
      [
        {
          text: ` ${ctx.rows.length} match${ctx.rows.length === 1 ? '' : 'es'} · Enter keeps · Esc clears `,
          style: theme.tone('muted'),
        },
      ],
      width,
      theme.bar,
    )
  }
  if (ui.message)
    return textLine(
      [{text: ` ${ui.message.text} `, style: theme.tone(ui.message.tone === 'error' ? 'error' : 'info')}],
      width,
      theme.bar,
    )
  const view = currentView(ui)
  // [key, what, priority]: when the bar is too narrow the highest numbers go first.
  const keys: [string, string, number][] = [
    ['↑↓', 'move', 3],
    ...(view.kind !== 'participant' ? ([['⏎', 'open', 2]] as [string, string, number][]) : []),
    ...(ui.stack.length > 1 || list.filter ? ([['Esc', 'back', 1]] as [string, string, number][]) : []),
    ['Tab', view.kind === 'fleet' ? 'rooms' : 'fleet', 2],
    ['/', 'filter', 2],
    ['s', 'sort', 4],
    ['p', ui.paused ? 'resume' : 'pause', ui.paused ? 1 : 4],
    ...(view.kind === 'room' || view.kind === 'participant' ? ([['K', 'kick', 3]] as [string, string, number][]) : []),
    ...(view.kind !== 'fleet' ? ([['C', 'close', 3]] as [string, string, number][]) : []),
    ['?', 'help', 1],
    ['q', 'quit', 1],
  ]
  const render = (ks: [string, string, number][]) => {
    const segs: Line = [{text: ' '}]
    ks.forEach(([k, what], i) =>
      segs.push(
        {text: k, style: {bold: true}},
        {text: i < ks.length - 1 ? ` ${what}  ` : ` ${what}`, style: theme.tone('muted')},
      ),
    )
    return segs
  }
  let shown = keys
  while (shown.length > 2 && render(shown).reduce((a, s) => a + cellWidth(s.text), 0) > width) {
    const worst = Math.max(...shown.map((k) => k[2]))
    const i = shown.map((k) => k[2]).lastIndexOf(worst)
    shown = shown.filter((_, j) => j !== i)
  }
  return textLine(render(shown), width, theme.bar)
}

function helpLines(width: number, theme: Theme): Line[] {
  const lines: Line[] = [textLine([{text: ' Keys', style: theme.tone('title')}], width), textLine([], width)]
  for (const [k, what] of HELP)
    lines.push(textLine([{text: `  ${k.padEnd(11)}`, style: {bold: true}}, {text: what}], width))
  lines.push(textLine([], width))
  lines.push(
    textLine(
      [
        {
          text: '  Loss, jitter, RTT and MOS are coloured good / fair / poor (src/qoe/bands.ts).',
          style: theme.tone('muted'),
        },
      ],
      width,
    ),
  )
  lines.push(textLine([{text: '  Any key closes this help.', style: theme.tone('muted')}], width))
  return lines
}

// ---- views -----------------------------------------------------------------------------------

interface Built {
  title: string
  right: Line
  body: Line[]
  ctx: KeyContext
}

function buildView(
  tick: SnapshotTick,
  ui: UiState,
  view: View,
  width: number,
  bodyHeight: number,
  opts: ScreenOptions,
): Built {
  switch (view.kind) {
    case 'fleet':
      return fleetView(tick.snapshot, ui, width, bodyHeight, opts.theme)
    case 'rooms':
      return roomsView(tick.snapshot, ui, view, width, bodyHeight, opts.theme)
    case 'room':
      return roomView(tick, ui, view, width, bodyHeight, opts.theme)
    case 'participant':
      return participantView(tick, ui, view, width, bodyHeight, opts)
  }
}

/** Filters, sorts, scrolls and renders rows into a table; the common part of every view. */
function table<R>(
  ui: UiState,
  columns: Column<R>[],
  all: TableRow<R>[],
  width: number,
  height: number,
  theme: Theme,
  empty: string,
): {body: Line[]; ctx: KeyContext; sortLabel: string} {
  const list = listOf(ui)
  const sortable = columns.filter((c) => c.sort)
  const sortCol = sortable[list.sort % Math.max(1, sortable.length)]
  const needle = list.filter.toLowerCase()
  let rows = needle ? all.filter((r) => r.search.includes(needle)) : all.slice()
  if (sortCol?.sort) {
    const key = sortCol.sort
    const dir = (sortCol.desc ? -1 : 1) * (list.reverse ? -1 : 1)
    const keyed = rows.map((r) => ({r, k: key(r.data)}))
    keyed.sort((a, b) => {
      // Missing figures go last whatever the direction.
      if (a.k === null && b.k === null) return a.r.ref.key < b.r.ref.key ? -1 : 1
      if (a.k === null) return 1
      if (b.k === null) return -1
      if (a.k < b.k) return -dir
      if (a.k > b.k) return dir
      return a.r.ref.key < b.r.ref.key ? -1 : a.r.ref.key > b.r.ref.key ? 1 : 0
    })
    rows = keyed.map((x) => x.r)
  }
  const page = Math.max(1, height - 1)
  const refs = rows.map((r) => r.ref)
  const sel = selectedIndex(list, refs)
  const top = scrollTop(list, sel, rows.length, page)
  const laid = layoutColumns(columns, width)
  const body: Line[] = [
    tableLine(
      laid.map(({col}) => ({text: col.title})),
      laid,
      width,
      theme,
      {heading: true},
    ),
  ]
  if (rows.length === 0) {
    body.push(
      textLine([{text: `  ${needle ? `nothing matches '${list.filter}'` : empty}`, style: theme.tone('muted')}], width),
    )
  }
  const colIndex = laid.map(({col}) => columns.indexOf(col))
  for (let i = top; i < Math.min(rows.length, top + page); i++) {
    const cells = colIndex.map((ci) => columns[ci].cell(rows[i].data))
    body.push(tableLine(cells, laid, width, theme, {selected: i === sel}))
  }
  const sortLabel = sortCol
    ? `${(sortCol.desc ? !list.reverse : list.reverse) ? '▼' : '▲'}${sortCol.title.toLowerCase()}`
    : ''
  return {body, ctx: {rows: refs, pageSize: page, sortColumns: sortable.length}, sortLabel}
}

function rightInfo(ui: UiState, sortLabel: string, count: number, total: number, theme: Theme): Line {
  const list = listOf(ui)
  const parts: Line = []
  if (list.filter) parts.push({text: ` filter '${list.filter}' (${count}/${total})`, style: theme.tone('accent')})
  if (sortLabel) parts.push({text: ` ${sortLabel} `, style: theme.tone('muted')})
  return parts
}

// -- fleet

const STATE_RANK = {unreachable: 0, draining: 1, up: 2} as const

function stateCell(n: NodeSnapshot, snap: FleetSnapshot): Cell {
  if (n.state !== 'unreachable') return {text: n.state, tone: n.state}
  return {
    text: n.lastSeen ? `unreachable ${fmtAge(secondsSince(snap, n.lastSeen))}` : 'unreachable',
    tone: 'unreachable',
  }
}

function lossTone(fraction: number | null): Tone | undefined {
  return bandTone(bandHigherWorse(fraction === null ? null : fraction * 100, DEFAULT_BANDS.lossPercent))
}
function bandTone(b: Band | null): Tone | undefined {
  return b ?? undefined
}
const dash = (t: Tone = 'muted'): Cell => ({text: '-', tone: t})

function fleetView(snap: FleetSnapshot, ui: UiState, width: number, height: number, theme: Theme): Built {
  const cols: Column<NodeSnapshot>[] = [
    {
      title: 'NODE',
      width: 6,
      flex: 1,
      max: 32,
      priority: 1,
      cell: (n) => ({text: sanitize(n.name)}),
      sort: (n) => n.name,
    },
    {title: 'STATE', width: 15, priority: 1, cell: (n) => stateCell(n, snap), sort: (n) => STATE_RANK[n.state]},
    {
      title: 'ROOMS',
      width: 5,
      align: 'right',
      priority: 1,
      cell: (n) => (n.totals ? {text: String(n.totals.rooms)} : dash()),
      sort: (n) => n.totals?.rooms ?? null,
      desc: true,
    },
    {
      title: 'PART',
      width: 5,
      align: 'right',
      priority: 1,
      cell: (n) => (n.totals ? {text: String(n.totals.participants)} : dash()),
      sort: (n) => n.totals?.participants ?? null,
      desc: true,
    },
    {
      title: 'IN',
      width: 8,
      align: 'right',
      priority: 2,
      cell: (n) => (n.totals ? {text: fmtBitrate(n.totals.bitrateInBps)} : dash()),
      sort: (n) => n.totals?.bitrateInBps ?? null,
      desc: true,
    },
    {
      title: 'OUT',
      width: 8,
      align: 'right',
      priority: 2,
      cell: (n) => (n.totals ? {text: fmtBitrate(n.totals.bitrateOutBps)} : dash()),
      sort: (n) => n.totals?.bitrateOutBps ?? null,
      desc: true,
    },
    {
      title: 'PKT/S',
      width: 6,
      align: 'right',
      priority: 3,
      cell: (n) => (n.totals ? {text: fmtCount(n.totals.packetsPerSecond)} : dash()),
      sort: (n) => n.totals?.packetsPerSecond ?? null,
      desc: true,
    },
    {
      title: 'CPU',
      width: 4,
      align: 'right',
      priority: 2,
      cell: (n) =>
        n.totals
          ? {
              text: fmtPercent(n.totals.cpuPercent),
              tone: n.totals.cpuPercent >= 90 ? 'poor' : n.totals.cpuPercent >= 70 ? 'fair' : undefined,
            }
          : dash(),
      sort: (n) => n.totals?.cpuPercent ?? null,
      desc: true,
    },
    {
      title: 'LOSS',
      width: 6,
      align: 'right',
      priority: 2,
      cell: (n) => (n.totals ? {text: fmtLoss(n.totals.worstLoss), tone: lossTone(n.totals.worstLoss)} : dash()),
      sort: (n) => n.totals?.worstLoss ?? null,
      desc: true,
    },
  ]
  const rows: TableRow<NodeSnapshot>[] = snap.nodes.map((n) => ({
    ref: {key: n.name, node: n.name, label: n.name},
    data: n,
    search: `${n.name} ${n.state}`.toLowerCase(),
  }))
  // While a node is unreachable the last body line says why (for the selected node).
  const unreachable = snap.nodes.filter((n) => n.problem)
  const t = table(ui, cols, rows, width, unreachable.length ? height - 1 : height, theme, 'no nodes.')
  let body = t.body
  if (unreachable.length) {
    const selected = snap.nodes.find((n) => n.name === t.ctx.rows[selectedIndex(listOf(ui), t.ctx.rows)]?.key)
    const why = selected?.problem
      ? {text: ` ${sanitize(selected.problem)}`, style: theme.tone('error')}
      : {
          text: ` ${unreachable.map((n) => sanitize(n.name)).join(', ')} unreachable: select a node to see why.`,
          style: theme.tone('muted'),
        }
    body = [...pad(t.body, height - 1, width), textLine([why], width)]
  }
  return {title: 'Fleet', right: rightInfo(ui, t.sortLabel, t.ctx.rows.length, rows.length, theme), body, ctx: t.ctx}
}

// -- rooms

interface RoomRow {
  node: string
  room: RoomSnapshot
}

function roomsView(
  snap: FleetSnapshot,
  ui: UiState,
  view: Extract<View, {kind: 'rooms'}>,
  width: number,
  height: number,
  theme: Theme,
): Built {
  const cols: Column<RoomRow>[] = [
    {
      title: 'ROOM',
      width: 8,
      flex: 3,
      max: 48,
      priority: 1,
      cell: (r) => ({text: sanitize(r.room.name)}),
      sort: (r) => r.room.name,
    },
    {
      title: 'NODE',
      width: 6,
      flex: 1,
      max: 16,
      priority: 3,
      cell: (r) => ({text: sanitize(r.node)}),
      sort: (r) => r.node,
    },
    {
      title: 'PART',
      width: 5,
      align: 'right',
      priority: 1,
      cell: (r) => ({text: String(r.room.participants)}),
      sort: (r) => r.room.participants,
      desc: true,
    },
    {
      title: 'PUB',
      width: 4,
      align: 'right',
      priority: 2,
      cell: (r) => ({text: String(r.room.publishers)}),
      sort: (r) => r.room.publishers,
      desc: true,
    },
    {
      title: 'IN',
      width: 8,
      align: 'right',
      priority: 2,
      cell: (r) => ({text: fmtBitrate(r.room.bitrateInBps)}),
      sort: (r) => r.room.bitrateInBps,
      desc: true,
    },
    {
      title: 'OUT',
      width: 8,
      align: 'right',
      priority: 4,
      cell: (r) => ({text: fmtBitrate(r.room.bitrateOutBps)}),
      sort: (r) => r.room.bitrateOutBps,
      desc: true,
    },
    {
      title: 'JIT ms',
      width: 6,
      align: 'right',
      priority: 2,
      cell: (r) => ({
        text: fmtMs(r.room.worst.jitterMs),
        tone: bandTone(bandHigherWorse(r.room.worst.jitterMs, DEFAULT_BANDS.jitterMs)),
      }),
      sort: (r) => r.room.worst.jitterMs,
      desc: true,
    },
    {
      title: 'LOSS',
      width: 6,
      align: 'right',
      priority: 2,
      cell: (r) => ({text: fmtLoss(r.room.worst.loss), tone: lossTone(r.room.worst.loss)}),
      sort: (r) => r.room.worst.loss,
      desc: true,
    },
    {
      title: 'MOS',
      width: 4,
      align: 'right',
      priority: 2,
      cell: (r) => ({text: fmtMos(r.room.worst.mos), tone: bandTone(bandMos(r.room.worst.mos, DEFAULT_BANDS.mos))}),
      sort: (r) => r.room.worst.mos,
    },
    {
      title: 'AGE',
      width: 6,
      align: 'right',
      priority: 3,
      cell: (r) => ({text: fmtAge(secondsSince(snap, r.room.createdAt))}),
      sort: (r) => -Date.parse(r.room.createdAt),
      desc: true,
    },
  ]
  const rows: TableRow<RoomRow>[] = []
  for (const n of snap.nodes) {
    if (view.node !== undefined && n.name !== view.node) continue
    for (const room of n.rooms) {
      rows.push({
        ref: {key: `${n.name}\u0000${room.name}`, node: n.name, room: room.name, label: room.name},
        data: {node: n.name, room},
        search: `${room.name} ${n.name}`.toLowerCase(),
      })
    }
  }
  const node = view.node === undefined ? undefined : snap.nodes.find((n) => n.name === view.node)
  const empty =
    node?.state === 'unreachable'
      ? `node '${node.name}' is unreachable: no live rooms to show.`
      : view.node && !node
        ? `node '${view.node}' is not polled.`
        : 'no rooms.'
  const t = table(ui, cols, rows, width, height, theme, empty)
  return {
    title: viewTitle(view),
    right: rightInfo(ui, t.sortLabel, t.ctx.rows.length, rows.length, theme),
    body: t.body,
    ctx: t.ctx,
  }
}

// -- room

interface StreamRow {
  p: SnapshotParticipant
  s: StreamStats | null
  key: string
}

const KIND_ORDER = {audio: 0, video: 1}

function streamCells(tick: SnapshotTick, node: string, room: string) {
  const {snapshot, history} = tick
  const end = Date.parse(snapshot.time)
  return {
    bitrate: (r: StreamRow): Cell => (r.s ? {text: fmtBitrate(r.s.bitrateBps)} : dash()),
    loss: (r: StreamRow): Cell => (r.s ? {text: fmtLoss(r.s.fractionLost), tone: lossTone(r.s.fractionLost)} : dash()),
    jitter: (r: StreamRow): Cell =>
      r.s ? {text: fmtMs(r.s.jitterMs), tone: bandTone(bandHigherWorse(r.s.jitterMs, DEFAULT_BANDS.jitterMs))} : dash(),
    rtt: (r: StreamRow): Cell =>
      r.s ? {text: fmtMs(r.s.rttMs), tone: bandTone(bandHigherWorse(r.s.rttMs, DEFAULT_BANDS.rttMs))} : dash(),
    mos: (r: StreamRow): Cell =>
      r.s ? {text: fmtMos(r.s.mos), tone: bandTone(bandMos(r.s.mos, DEFAULT_BANDS.mos))} : dash(),
    spark:
      (width: number) =>
      (r: StreamRow): Cell =>
        r.s
          ? {
              text: sparkline(
                history.get(streamKey(node, room, r.p.id, r.s)),
                end,
                history.windowMs,
                width,
                snapshot.intervalMs,
              ),
              tone: 'accent',
            }
          : {text: ''},
  }
}

function sparkColumn<R>(cell: (w: number) => (r: R) => Cell, min: number): Column<R> {
  // The cell needs the width the layout gives; layoutColumns is deterministic, so the column
  // asks for it lazily through a holder filled in after layout (see withSparkWidth).
  const col: Column<R> & {laidWidth?: number} = {
    title: 'LAST 60s',
    width: min,
    flex: 2,
    max: 60,
    priority: 1,
    cell: (r) => cell(col.laidWidth ?? min)(r),
  }
  return col
}

function withSparkWidth<R>(cols: Column<R>[], width: number): Column<R>[] {
  for (const {col, width: w} of layoutColumns(cols, width)) {
    if (col.title === 'LAST 60s') (col as Column<R> & {laidWidth?: number}).laidWidth = w
  }
  return cols
}

function roomMissing(snap: FleetSnapshot, node: string, room: string): string | null {
  const n = snap.nodes.find((x) => x.name === node)
  if (!n) return `node '${node}' is not polled any more.`
  if (n.state === 'unreachable') {
    const ago = n.lastSeen ? `no answer for ${fmtAge(secondsSince(snap, n.lastSeen))}` : 'it never answered'
    return `node '${node}' is unreachable (${ago}): nothing here is live.`
  }
  if (!n.rooms.some((r) => r.name === room))
    return `room '${room}' is no longer on node '${node}' (closed, or everyone left).`
  return null
}

/** Why a room that is there has no participants in this tick: the poller fetches a room's
 *  detail only once the dashboard shows it (the next tick, which focus() brings forward). */
function detailPending(room: RoomSnapshot, ui: UiState): string {
  return ui.paused
    ? `paused before the participants of room '${sanitize(room.name)}' were fetched: p resumes.`
    : `fetching the participants of room '${sanitize(room.name)}'…`
}

function roomView(
  tick: SnapshotTick,
  ui: UiState,
  view: Extract<View, {kind: 'room'}>,
  width: number,
  height: number,
  theme: Theme,
): Built {
  const snap = tick.snapshot
  const missing = roomMissing(snap, view.node, view.room)
  const room = snap.nodes.find((n) => n.name === view.node)?.rooms.find((r) => r.name === view.room)
  const c = streamCells(tick, view.node, view.room)
  const cols: Column<StreamRow>[] = withSparkWidth(
    [
      {
        title: 'PARTICIPANT',
        width: 14,
        flex: 1,
        max: 28,
        priority: 1,
        cell: (r) => ({text: sanitize(r.p.identity)}),
        sort: (r) => r.p.identity.toLowerCase(),
      },
      {
        title: 'ROLE',
        width: 4,
        priority: 6,
        cell: (r) => ({text: r.p.role === 'publisher' ? 'pub' : 'sub', tone: 'muted'}),
        sort: (r) => r.p.role,
      },
      {
        title: 'KIND',
        width: 5,
        priority: 2,
        cell: (r) => (r.s ? {text: r.s.kind} : dash()),
        sort: (r) => (r.s ? KIND_ORDER[r.s.kind] : null),
      },
      {title: 'CODEC', width: 5, priority: 5, cell: (r) => (r.s ? {text: sanitize(r.s.codec)} : dash())},
      {
        title: 'DIR',
        width: 4,
        priority: 3,
        cell: (r) => (r.s ? {text: r.s.direction === 'uplink' ? 'up' : 'down'} : dash()),
        sort: (r) => r.s?.direction ?? null,
      },
      {
        title: 'BITRATE',
        width: 8,
        align: 'right',
        priority: 1,
        cell: c.bitrate,
        sort: (r) => r.s?.bitrateBps ?? null,
        desc: true,
      },
      {
        title: 'LOSS',
        width: 6,
        align: 'right',
        priority: 1,
        cell: c.loss,
        sort: (r) => r.s?.fractionLost ?? null,
        desc: true,
      },
      {
        title: 'JIT',
        width: 5,
        align: 'right',
        priority: 2,
        cell: c.jitter,
        sort: (r) => r.s?.jitterMs ?? null,
        desc: true,
      },
      {title: 'RTT', width: 5, align: 'right', priority: 4, cell: c.rtt, sort: (r) => r.s?.rttMs ?? null, desc: true},
      {title: 'MOS', width: 4, align: 'right', priority: 2, cell: c.mos, sort: (r) => r.s?.mos ?? null},
      sparkColumn(c.spark, 8),
    ],
    width,
  )
  const rows: TableRow<StreamRow>[] = []
  const pending = !missing && room && !room.participantsList ? detailPending(room, ui) : null
  if (!missing && room?.participantsList) {
    for (const p of room.participantsList) {
      const label = sanitize(p.identity)
      const streams: (StreamStats | null)[] = p.streams.length
        ? [...p.streams].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.direction < b.direction ? 1 : -1))
        : [null]
      streams.forEach((s, i) => {
        const key = `${p.id}\u0000${s ? `${s.id}\u0000${s.direction}\u0000${i}` : '-'}`
        rows.push({
          ref: {key, node: view.node, room: view.room, participantId: p.id, label},
          data: {p, s, key},
          search:
            `${p.identity} ${p.name} ${p.id} ${p.role} ${s ? `${s.kind} ${s.codec} ${s.direction}` : ''}`.toLowerCase(),
        })
      })
    }
  }
  const t = table(ui, cols, rows, width, height, theme, 'no participants.')
  const body = missing
    ? [textLine([{text: ` ${missing}`, style: theme.tone('error')}], width)]
    : pending
      ? [textLine([{text: ` ${pending}`, style: theme.tone('muted')}], width)]
      : t.body
  let title = viewTitle(view)
  if (room && !missing) {
    title += ` · ${room.participants} (${room.publishers} pub) · in ${fmtBitrate(room.bitrateInBps)} · out ${fmtBitrate(room.bitrateOutBps)} · ${fmtAge(secondsSince(snap, room.createdAt))}`
  }
  return {title, right: rightInfo(ui, t.sortLabel, t.ctx.rows.length, rows.length, theme), body, ctx: t.ctx}
}

// -- participant

function participantView(
  tick: SnapshotTick,
  ui: UiState,
  view: Extract<View, {kind: 'participant'}>,
  width: number,
  height: number,
  opts: ScreenOptions,
): Built {
  const {theme} = opts
  const snap = tick.snapshot
  const room = snap.nodes.find((n) => n.name === view.node)?.rooms.find((r) => r.name === view.room)
  const p = room?.participantsList?.find((x) => x.id === view.participantId)
  const gone = roomMissing(snap, view.node, view.room)
  const pending = !gone && room && !room.participantsList ? detailPending(room, ui) : null
  const missing = gone ?? (p || pending ? null : `participant ${view.participantId} has left room '${view.room}'.`)
  const title = p
    ? `Participant ${sanitize(p.identity)} in ${sanitize(view.room)} on ${sanitize(view.node)}`
    : viewTitle(view)
  const ref: RowRef = {
    key: view.participantId,
    node: view.node,
    room: view.room,
    participantId: view.participantId,
    label: p ? sanitize(p.identity) : view.participantId,
  }
  if (missing || !p) {
    const why = missing
      ? {text: ` ${missing}`, style: theme.tone('error')}
      : {text: ` ${pending ?? ''}`, style: theme.tone('muted')}
    return {title, right: [], body: [textLine([why], width)], ctx: {rows: [ref], pageSize: 1, sortColumns: 0}}
  }
  const label = (k: string) => ({text: ` ${k.padEnd(11)}`, style: theme.tone('muted')})
  const body: Line[] = []
  const kv = (k: string, v: string, tone?: Tone) =>
    body.push(textLine([label(k), {text: v, style: theme.tone(tone)}], width))
  kv('identity', sanitize(p.identity))
  kv('name', sanitize(p.name))
  kv('session', `${p.id} (${p.role}, ${sanitize(p.state)})`, p.state === 'connected' ? undefined : 'fair')
  kv('joined', `${fmtClock(p.joinedAt)} (${fmtAge(secondsSince(snap, p.joinedAt))} ago)`)
  if (p.publisherId) kv('receives', p.publisherId)
  if (opts.showIp) kv('address', p.remoteIp ? sanitize(p.remoteIp) : '-')
  else kv('address', 'hidden (start top with --show-ip to show it)', 'muted')
  // The user agent can be long: up to two lines.
  const ua = sanitize(p.userAgent || '-')
  const uaWidth = Math.max(10, width - 12)
  kv('user agent', ua.slice(0, uaWidth))
  if (ua.length > uaWidth) body.push(textLine([{text: ' '.repeat(12)}, {text: ua.slice(uaWidth, uaWidth * 2)}], width))
  body.push(textLine([], width))
  const c = streamCells(tick, view.node, view.room)
  const cols: Column<StreamRow>[] = withSparkWidth(
    [
      {title: 'KIND', width: 5, priority: 1, cell: (r) => (r.s ? {text: r.s.kind} : dash())},
      {title: 'CODEC', width: 5, priority: 3, cell: (r) => (r.s ? {text: sanitize(r.s.codec)} : dash())},
      {
        title: 'DIR',
        width: 4,
        priority: 1,
        cell: (r) => (r.s ? {text: r.s.direction === 'uplink' ? 'up' : 'down'} : dash()),
      },
      {title: 'BITRATE', width: 8, align: 'right', priority: 1, cell: c.bitrate},
      {
        title: 'PKTS',
        width: 6,
        align: 'right',
        priority: 5,
        cell: (r) => (r.s ? {text: fmtCount(r.s.packets)} : dash()),
      },
      {
        title: 'LOST',
        width: 5,
        align: 'right',
        priority: 4,
        cell: (r) => (r.s ? {text: fmtCount(r.s.packetsLost)} : dash()),
      },
      {title: 'LOSS', width: 6, align: 'right', priority: 1, cell: c.loss},
      {title: 'JIT', width: 5, align: 'right', priority: 2, cell: c.jitter},
      {title: 'RTT', width: 5, align: 'right', priority: 2, cell: c.rtt},
      {title: 'MOS', width: 4, align: 'right', priority: 2, cell: c.mos},
      {
        title: 'NACK',
        width: 5,
        align: 'right',
        priority: 6,
        cell: (r) => (r.s ? {text: fmtCount(r.s.nackCount)} : dash()),
      },
      {
        title: 'PLI',
        width: 4,
        align: 'right',
        priority: 6,
        cell: (r) => (r.s ? {text: fmtCount(r.s.pliCount)} : dash()),
      },
      sparkColumn(c.spark, 8),
    ],
    width,
  )
  const laid = layoutColumns(cols, width)
  body.push(
    tableLine(
      laid.map(({col}) => ({text: col.title})),
      laid,
      width,
      theme,
      {heading: true},
    ),
  )
  const streams = p.streams.length ? p.streams : [null]
  for (const s of streams) {
    const row: StreamRow = {p, s, key: ''}
    body.push(
      tableLine(
        laid.map(({col}) => col.cell(row)),
        laid,
        width,
        theme,
      ),
    )
  }
  return {title, right: [], body, ctx: {rows: [ref], pageSize: 1, sortColumns: 0}}
}

/** The screen as plain text (for tests and --once captures). */
export function screenText(result: ScreenResult): string {
  return result.lines.map(lineText).join('\n')
}
