// A room as plain text: summary line, participants table, streams table. Shared by
// `room show` and the refreshing view of `confctl demo`.
import type {RoomDetail} from '../api/node-api.js'
import {formatTime, plural} from './human-units.js'
import {fmtBitrate} from '../tui/text.js'
import {renderTable} from './text-table.js'

export function renderRoomText(room: RoomDetail, nodeName: string): string {
  const out: string[] = []
  out.push(`room '${room.name}' on node '${nodeName}', created ${formatTime(room.createdAt)}`)
  const people = room.participantsList ?? []
  // People by identity: one person who publishes and watches two others is three sessions.
  const persons = room.people ?? new Set(people.map((p) => p.identity)).size
  out.push(
    `${persons} ${persons === 1 ? 'person' : 'people'} in ${plural(room.participants, 'session')} (${room.publishers} publishing, ${room.subscribers} subscribing); in ${fmtBitrate(room.bitrateInBps)}, out ${fmtBitrate(room.bitrateOutBps)}`,
  )
  // Subscribers say whom they receive by identity (the session id is in the id column).
  const identityOf = new Map(people.map((p) => [p.id, p.identity]))
  if (people.length === 0) return out.join('\n')
  out.push('')
  out.push(
    renderTable(
      ['identity', 'name', 'role', 'state', 'ip', 'joined', 'receives', 'session'],
      people.map((p) => [
        p.identity,
        p.name,
        p.role,
        p.state,
        p.remoteIp,
        formatTime(p.joinedAt),
        p.publisherId ? (identityOf.get(p.publisherId) ?? p.publisherId) : null,
        p.id,
      ]),
    ),
  )
  const streams = people.flatMap((p) => p.streams.map((s) => ({p, s})))
  if (streams.length === 0) return out.join('\n')
  out.push('')
  out.push(
    renderTable(
      [
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
        p.identity,
        s.direction,
        s.kind,
        s.codec,
        fmtBitrate(s.bitrateBps),
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
