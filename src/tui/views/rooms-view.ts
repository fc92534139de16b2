// The rooms view: the rooms of one node (or of every node), worst figures per room.
import {type FleetSnapshot, type RoomSnapshot, secondsSince} from '../../fleet/snapshot.js'
import {bandHigherWorse, bandMos, DEFAULT_BANDS} from '../../qoe/bands.js'
import type {Column} from '../layout.js'
import type {UiState, View} from '../state.js'
import {fmtAge, fmtBitrate, fmtLossPercent, fmtMos, fmtMs, sanitize} from '../text.js'
import type {Theme} from '../theme.js'
import {bandTone, lossPercentTone} from './cells.js'
import {rightInfo, table} from './table.js'
import type {Built, TableRow} from './view-types.js'
import {viewTitle} from './view-title.js'

export interface RoomRow {
  node: string
  room: RoomSnapshot
}

export function roomsView(
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
      // People, not sessions: one person publishing and watching two others is three sessions.
      title: 'PEOPLE',
      width: 6,
      align: 'right',
      priority: 1,
      cell: (r) => ({text: String(r.room.people)}),
      sort: (r) => r.room.people,
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
        text: fmtMs(r.room.worstJitterMs),
        tone: bandTone(bandHigherWorse(r.room.worstJitterMs, DEFAULT_BANDS.jitterMs)),
      }),
      sort: (r) => r.room.worstJitterMs,
      desc: true,
    },
    {
      title: 'LOSS',
      width: 6,
      align: 'right',
      priority: 2,
      cell: (r) => ({text: fmtLossPercent(r.room.worstLossPercent), tone: lossPercentTone(r.room.worstLossPercent)}),
      sort: (r) => r.room.worstLossPercent,
      desc: true,
    },
    {
      title: 'MOS',
      width: 4,
      align: 'right',
      priority: 2,
      cell: (r) => ({text: fmtMos(r.room.worstMos), tone: bandTone(bandMos(r.room.worstMos, DEFAULT_BANDS.mos))}),
      sort: (r) => r.room.worstMos,
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
