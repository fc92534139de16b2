// One snapshot as plain tables, for `confctl top --once` and for top without a terminal:
// the fleet (one row per node) and the rooms (one row per room). No colour, no IP addresses.
import {renderTable} from './text-table.js'
import {secondsSince, type FleetSnapshot} from '../fleet/snapshot.js'
import {
  fmtAge,
  fmtBitrate,
  fmtClock,
  fmtCount,
  fmtLossPercent,
  fmtMos,
  fmtMs,
  fmtPercent,
  sanitize,
} from '../tui/text.js'

export function snapshotText(snap: FleetSnapshot): string {
  const out: string[] = []
  const rooms = snap.nodes.reduce((a, n) => a + (n.totals?.rooms ?? 0), 0)
  const people = snap.nodes.reduce((a, n) => a + (n.totals?.people ?? 0), 0)
  const sessions = snap.nodes.reduce((a, n) => a + (n.totals?.participants ?? 0), 0)
  out.push(
    `fleet at ${fmtClock(snap.time)}: ${snap.nodes.length} node(s), ${rooms} room(s), ${people} people in ${sessions} session(s)`,
  )
  out.push('')
  out.push(
    renderTable(
      ['node', 'state', 'rooms', 'people', 'sessions', 'in', 'out', 'pkt/s', 'cpu', 'worst loss'],
      snap.nodes.map((n) => [
        sanitize(n.name),
        n.managed === false
          ? 'no access'
          : n.state === 'unreachable'
            ? n.lastSeen
              ? `unreachable (${fmtAge(secondsSince(snap, n.lastSeen))})`
              : 'unreachable'
            : n.state,
        n.totals?.rooms,
        n.totals?.people,
        n.totals?.participants,
        n.totals ? fmtBitrate(n.totals.bitrateInBps) : null,
        n.totals ? fmtBitrate(n.totals.bitrateOutBps) : null,
        n.totals?.packetsPerSecond === null || !n.totals ? null : fmtCount(n.totals.packetsPerSecond),
        n.totals ? fmtPercent(n.totals.cpuPercent) : null,
        n.totals?.worstLossPercent === null || !n.totals ? null : fmtLossPercent(n.totals.worstLossPercent),
      ]),
    ),
  )
  const roomRows = snap.nodes.flatMap((n) => n.rooms.map((r) => ({n, r})))
  out.push('')
  if (roomRows.length === 0) out.push('no rooms.')
  else {
    out.push(
      renderTable(
        [
          'room',
          'node',
          'people',
          'sessions',
          'publishers',
          'in',
          'out',
          'worst jitter ms',
          'worst loss',
          'worst mos',
          'age',
        ],
        roomRows.map(({n, r}) => [
          sanitize(r.name),
          sanitize(n.name),
          r.people,
          r.participants,
          r.publishers,
          fmtBitrate(r.bitrateInBps),
          fmtBitrate(r.bitrateOutBps),
          r.worstJitterMs === null ? null : fmtMs(r.worstJitterMs),
          r.worstLossPercent === null ? null : fmtLossPercent(r.worstLossPercent),
          r.worstMos === null ? null : fmtMos(r.worstMos),
          fmtAge(secondsSince(snap, r.createdAt)),
        ]),
      ),
    )
  }
  return out.join('\n')
}

/** One line per unreachable node, saying why. */
export function snapshotProblems(snap: FleetSnapshot): string[] {
  return snap.nodes.filter((n) => n.problem).map((n) => `${sanitize(n.name)}: ${sanitize(n.problem!)}`)
}
