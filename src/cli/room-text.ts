// A room as plain text: summary line, participants table, streams table. Shared by
// `room show` and the refreshing view of `confctl demo`.
import type {RoomDetail} from '../api/node-api.js'
import {formatBitrate, formatTime, plural, renderTable} from './text-table.js'

export function renderRoomText(room: RoomDetail, nodeName: string): string {
  const out: string[] = []
  out.push(`room '${room.name}' on node '${nodeName}', created ${formatTime(room.createdAt)}`)
  out.push(
    `${plural(room.participants, 'participant')} (${room.publishers} publishing, ${room.subscribers} subscribing); in ${formatBitrate(room.bitrateInBps)}, out ${formatBitrate(room.bitrateOutBps)}`,
  )
  const people = room.participantsList ?? []
  if (people.length === 0) return out.join('\n')
  out.push('')
  out.push(
    renderTable(
      ['id', 'identity', 'name', 'role', 'state', 'ip', 'joined', 'receives'],
      people.map((p) => [p.id, p.identity, p.name, p.role, p.state, p.remoteIp, formatTime(p.joinedAt), p.publisherId]),
    ),
  )
  const streams = people.flatMap((p) => p.streams.map((s) => ({p, s})))
  if (streams.length === 0) return out.join('\n')
  out.push('')
  out.push(
    renderTable(
      [
        'participant',
        'identity',
        'dir',
        'kind',
        'codec',
        'bitrate',
        'packets',
        'lost',
        'loss %',
        'jitter ms',
        'rtt ms',
        'mos',
        'nack',
        'pli',
      ],
      streams.map(({p, s}) => [
        p.id,
        p.identity,
        s.direction,
        s.kind,
        s.codec,
        formatBitrate(s.bitrateBps),
        s.packets,
        s.packetsLost,
        (s.fractionLost * 100).toFixed(1),
        s.jitterMs === null ? null : s.jitterMs.toFixed(1),
        s.rttMs === null ? null : s.rttMs.toFixed(1),
        s.mos === null || s.mos === undefined ? null : s.mos.toFixed(2),
        s.nackCount,
        s.pliCount,
      ]),
    ),
  )
  return out.join('\n')
}
