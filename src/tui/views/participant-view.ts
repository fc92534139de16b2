// The participant view: one participant's streams, identity and (with --show-ip) address.
import type {SnapshotTick} from '../../fleet/snapshot-poller.js'
import {secondsSince} from '../../fleet/snapshot.js'
import {type Column, layoutColumns, type Line, tableLine, textLine} from '../layout.js'
import type {RowRef, UiState, View} from '../state.js'
import {fmtAge, fmtClock, fmtCount, sanitize} from '../text.js'
import type {Tone} from '../theme.js'
import {dash} from './cells.js'
import {detailPending, roomMissing, sparkColumn, streamCells, type StreamRow, withSparkWidth} from './stream-cells.js'
import type {Built, ScreenOptions} from './view-types.js'
import {viewTitle} from './view-title.js'

export function participantView(
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
  if (p.publisherId) {
    const source = room?.participantsList?.find((x) => x.id === p.publisherId)
    kv('receives', source ? sanitize(source.identity) : p.publisherId)
  }
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
