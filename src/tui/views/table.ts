// The table engine every view shares: filter, sort (missing figures last), scroll and
// render rows; and the right-hand filter/sort summary of the view line.
import {type Column, layoutColumns, type Line, tableLine, textLine} from '../layout.js'
import {type KeyContext, listOf, scrollTop, selectedIndex, type UiState} from '../state.js'
import type {Theme} from '../theme.js'
import type {TableRow} from './view-types.js'

/** Filters, sorts, scrolls and renders rows into a table; the common part of every view. */
export function table<R>(
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

export function rightInfo(ui: UiState, sortLabel: string, count: number, total: number, theme: Theme): Line {
  const list = listOf(ui)
  const parts: Line = []
  if (list.filter) parts.push({text: ` filter '${list.filter}' (${count}/${total})`, style: theme.tone('accent')})
  if (sortLabel) parts.push({text: ` ${sortLabel} `, style: theme.tone('muted')})
  return parts
}
