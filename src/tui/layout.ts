// Lines of styled segments, and tables laid out into a given width: every column has a fixed
// width or a flexible one with a minimum; when the terminal is too narrow the least
// important columns go first. The dashboard is built from these lines only, so what it
// shows at a given size is a pure function of the snapshot and the UI state.
import {cellWidth, fit} from './text.js'
import type {Style, Theme, Tone} from './theme.js'

export interface Segment {
  text: string
  style?: Style
}
export type Line = Segment[]

export interface Cell {
  text: string
  tone?: Tone
}

export interface Column<R> {
  title: string
  /** Fixed width; for a flexible column, its minimum. */
  width: number
  /** Flexible: takes a share (this weight) of the room left, up to `max`. */
  flex?: number
  max?: number
  align?: 'left' | 'right'
  /** 1 = always shown; higher numbers are dropped first when the width is short. */
  priority: number
  cell(row: R): Cell
  /** Sort key; columns without one cannot be sorted by. */
  sort?: (row: R) => number | string | null
  /** Sort from the largest / last first (e.g. participants, loss). */
  desc?: boolean
}

export const GAP = 1
/** The marker column in front of every row ('›' on the selected one). */
export const GUTTER = 1

/** The columns that fit into `width`, with their widths. */
export function layoutColumns<R>(columns: readonly Column<R>[], width: number): {col: Column<R>; width: number}[] {
  let active = [...columns]
  const needed = (cs: Column<R>[]) => GUTTER + cs.reduce((a, c) => a + c.width, 0) + cs.length * GAP
  while (active.length > 1 && needed(active) > width) {
    const worst = active.reduce((a, c) => (c.priority >= a.priority ? c : a))
    active = active.filter((c) => c !== worst)
  }
  const widths = active.map((c) => c.width)
  let spare = width - needed(active)
  // Hand out the rest to the flexible columns by weight, one round at a time (so caps apply).
  for (let round = 0; round < 4 && spare > 0; round++) {
    const open = active.map((c, i) => ({c, i})).filter(({c, i}) => c.flex && widths[i] < (c.max ?? Infinity))
    const weight = open.reduce((a, {c}) => a + c.flex!, 0)
    if (weight === 0) break
    let given = 0
    for (const {c, i} of open) {
      const share = Math.floor((spare * c.flex!) / weight)
      const add = Math.min(share, (c.max ?? Infinity) - widths[i])
      widths[i] += add
      given += add
    }
    if (given === 0) {
      // Rounding left a few columns over: give them to the first open column.
      const {c, i} = open[0]
      const add = Math.min(spare, (c.max ?? Infinity) - widths[i])
      widths[i] += add
      given = add
      if (given === 0) break
    }
    spare -= given
  }
  return active.map((col, i) => ({col, width: widths[i]}))
}

export function merge(a: Style | undefined, b: Style | undefined): Style | undefined {
  if (!a) return b
  if (!b) return a
  return {...a, ...b}
}

/** One table line: gutter marker, then each cell fitted to its column. */
export function tableLine(
  cells: readonly Cell[],
  laid: readonly {col: {align?: 'left' | 'right'}; width: number}[],
  width: number,
  theme: Theme,
  opts: {selected?: boolean; heading?: boolean} = {},
): Line {
  const rowStyle = opts.selected ? theme.selected : opts.heading ? theme.heading : undefined
  const line: Line = [
    {text: opts.selected ? '›' : ' ', style: opts.selected ? merge(rowStyle, {bold: true}) : rowStyle},
  ]
  let used = GUTTER
  laid.forEach(({col, width: w}, i) => {
    const cell = cells[i]
    line.push({text: ' ', style: rowStyle})
    const tone = opts.heading ? undefined : theme.tone(cell.tone)
    line.push({text: fit(cell.text, w, col.align ?? 'left'), style: merge(tone, rowStyle)})
    used += GAP + w
  })
  if (used < width) line.push({text: ' '.repeat(width - used), style: rowStyle})
  return line
}

/** A line of text padded (or cut) to exactly `width`. */
export function textLine(segments: Line, width: number, fill?: Style): Line {
  const out: Line = []
  let used = 0
  for (const seg of segments) {
    if (used >= width) break
    const w = cellWidth(seg.text)
    const text = used + w <= width ? seg.text : fit(seg.text, width - used)
    out.push({text, style: merge(fill, seg.style)})
    used += cellWidth(text)
  }
  if (used < width) out.push({text: ' '.repeat(width - used), style: fill})
  return out
}

/** Two groups of segments, the second flush right; the left one is cut if both do not fit. */
export function splitLine(left: Line, right: Line, width: number, fill?: Style): Line {
  const rightWidth = right.reduce((a, s) => a + cellWidth(s.text), 0)
  if (rightWidth + 1 >= width) return textLine(left, width, fill)
  const leftLine = textLine(left, width - rightWidth, fill)
  return [...leftLine, ...right.map((s) => ({text: s.text, style: merge(fill, s.style)}))]
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('')
}

/** The first `n` lines, padded with blank lines of `width` to exactly `n`. */
export function padLines(lines: Line[], n: number, width: number): Line[] {
  const out = lines.slice(0, n)
  while (out.length < n) out.push([{text: ' '.repeat(width)}])
  return out
}
