// Stream rows as the room and participant views show them: figures with their bands, the
// 60 s sparkline column, and why a room has nothing to show.
import type {StreamStats} from '../../api/node-api.js'
import type {SnapshotTick} from '../../fleet/snapshot-poller.js'
import {
  type FleetSnapshot,
  type RoomSnapshot,
  secondsSince,
  type SnapshotParticipant,
  streamKey,
} from '../../fleet/snapshot.js'
import {bandHigherWorse, bandMos, DEFAULT_BANDS} from '../../qoe/bands.js'
import {type Cell, type Column, layoutColumns} from '../layout.js'
import {sparkline} from '../sparkline.js'
import type {UiState} from '../state.js'
import {fmtAge, fmtBitrate, fmtLoss, fmtMos, fmtMs, sanitize} from '../text.js'
import {bandTone, dash, lossTone} from './cells.js'

export interface StreamRow {
  p: SnapshotParticipant
  s: StreamStats | null
  key: string
}

export const KIND_ORDER = {audio: 0, video: 1}

export function streamCells(tick: SnapshotTick, node: string, room: string) {
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

export function sparkColumn<R>(cell: (w: number) => (r: R) => Cell, min: number): Column<R> {
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

export function withSparkWidth<R>(cols: Column<R>[], width: number): Column<R>[] {
  for (const {col, width: w} of layoutColumns(cols, width)) {
    if (col.title === 'LAST 60s') (col as Column<R> & {laidWidth?: number}).laidWidth = w
  }
  return cols
}

export function roomMissing(snap: FleetSnapshot, node: string, room: string): string | null {
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
export function detailPending(room: RoomSnapshot, ui: UiState): string {
  return ui.paused
    ? `paused before the participants of room '${sanitize(room.name)}' were fetched: p resumes.`
    : `fetching the participants of room '${sanitize(room.name)}'…`
}
