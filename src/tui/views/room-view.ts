// The room view: every participant's streams in one room.
import type {StreamStats} from '../../api/node-api.js'
import type {SnapshotTick} from '../../fleet/snapshot-poller.js'
import {secondsSince} from '../../fleet/snapshot.js'
import {type Column, textLine} from '../layout.js'
import type {UiState, View} from '../state.js'
import {fmtAge, fmtBitrate, sanitize} from '../text.js'
import type {Theme} from '../theme.js'
import {dash} from './cells.js'
import {
  detailPending,
  KIND_ORDER,
  roomMissing,
  sparkColumn,
  streamCells,
  type StreamRow,
  withSparkWidth,
} from './stream-cells.js'
import {rightInfo, table} from './table.js'
import type {Built, TableRow} from './view-types.js'
import {viewTitle} from './view-title.js'

export function roomView(
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
