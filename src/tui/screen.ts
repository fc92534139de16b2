// The whole dashboard screen as lines, from one snapshot tick, the UI state and the terminal
// size: a pure function (no I/O, no clock: times are relative to the snapshot's own time).
// It also returns the KeyContext (the rows as shown), which the key reducer needs.
//
// Layout (height H): title bar, view line, body (H - 3 lines), key bar. The last column of
// the terminal stays unused (see usableWidth).
// Each view lives in src/tui/views/, one per file.
import type {SnapshotTick} from '../fleet/snapshot-poller.js'
import type {FleetSnapshot} from '../fleet/snapshot.js'
import {type Line, lineText, splitLine, textLine, padLines} from './layout.js'
import {confirmQuestion, currentView, HELP, type KeyContext, listOf, type UiState, type View} from './state.js'
import {cellWidth, fmtClock} from './text.js'
import type {Theme} from './theme.js'
import {fleetView} from './views/fleet-view.js'
import {participantView} from './views/participant-view.js'
import {roomView} from './views/room-view.js'
import {roomsView} from './views/rooms-view.js'
import type {Built, ScreenOptions} from './views/view-types.js'
import {viewTitle} from './views/view-title.js'

export type {ScreenOptions} from './views/view-types.js'

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

export function renderScreen(tick: SnapshotTick | undefined, ui: UiState, opts: ScreenOptions): ScreenResult {
  const width = usableWidth(opts.width)
  const height = Math.max(1, opts.height)
  const {theme} = opts
  if (opts.width < MIN_WIDTH || opts.height < MIN_HEIGHT) {
    const lines = [
      textLine([{text: `needs ${MIN_WIDTH}x${MIN_HEIGHT} or more (now ${opts.width}x${opts.height}); q quits`}], width),
    ]
    return {lines: padLines(lines, height, width), ctx: {rows: [], pageSize: 1, sortColumns: 0}}
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
  const lines = [
    top,
    viewLine,
    ...padLines(body.slice(0, bodyHeight), bodyHeight, width),
    keyBar(ui, width, theme, ctx),
  ]
  return {lines, ctx}
}

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
    people += n.totals?.people ?? 0
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
      ` │ ${plural(rooms, 'room')} │ ${people} ${people === 1 ? 'person' : 'people'} │ every ${fmtInterval(snap.intervalMs)} `,
      clock,
    ],
    [' top │ ', ` │ ${plural(rooms, 'room')} │ ${people} ${people === 1 ? 'person' : 'people'} `, clock],
    [' top │ ', ` │ ${plural(rooms, 'room')} │ ${people} ppl `, clock],
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

/** The screen as plain text (for tests and --once captures). */
export function screenText(result: ScreenResult): string {
  return result.lines.map(lineText).join('\n')
}
