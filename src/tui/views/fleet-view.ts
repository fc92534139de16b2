// The fleet view: one row per node with its state, rooms, people and worst figures.
import type {FleetSnapshot, NodeSnapshot} from '../../fleet/snapshot.js'
import {type Column, textLine, padLines} from '../layout.js'
import {listOf, selectedIndex, type UiState} from '../state.js'
import {fmtBitrate, fmtCount, fmtLossPercent, fmtPercent, sanitize} from '../text.js'
import type {Theme} from '../theme.js'
import {dash, lossPercentTone, stateCell} from './cells.js'
import {rightInfo, table} from './table.js'
import type {Built, TableRow} from './view-types.js'

export const STATE_RANK = {unreachable: 0, draining: 1, up: 2} as const

export function fleetView(snap: FleetSnapshot, ui: UiState, width: number, height: number, theme: Theme): Built {
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
      title: 'PEOPLE',
      width: 6,
      align: 'right',
      priority: 1,
      cell: (n) => (n.totals ? {text: String(n.totals.people)} : dash()),
      sort: (n) => n.totals?.people ?? null,
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
      cell: (n) =>
        n.totals
          ? {text: fmtLossPercent(n.totals.worstLossPercent), tone: lossPercentTone(n.totals.worstLossPercent)}
          : dash(),
      sort: (n) => n.totals?.worstLossPercent ?? null,
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
    body = [...padLines(t.body, height - 1, width), textLine([why], width)]
  }
  return {title: 'Fleet', right: rightInfo(ui, t.sortLabel, t.ctx.rows.length, rows.length, theme), body, ctx: t.ctx}
}
