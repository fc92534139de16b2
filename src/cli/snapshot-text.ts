// One snapshot as plain tables, for `confctl top --once` and for top without a terminal:
// the fleet (one row per node) and the rooms (one row per room). No colour, no IP addresses.
import {renderTable} from './text-table.js'
import {secondsSince, type FleetSnapshot} from '../fleet/snapshot.js'
import {fmtAge, fmtBitrate, fmtClock, fmtCount, fmtLoss, fmtMos, fmtMs, fmtPercent, sanitize} from '../tui/text.js'

export function snapshotText(snap: FleetSnapshot): string {
  const out: string[] = []
  const rooms = snap.nodes.reduce((a, n) => a + (n.totals?.rooms ?? 0), 0)
  const people = snap.nodes.reduce((a, n) => a + (n.totals?.participants ?? 0), 0)
  out.push(`fleet at ${fmtClock(snap.time)}: ${snap.nodes.length} node(s), ${rooms} room(s), ${people} participant(s)`)
  out.push('')
  out.push(
    renderTable(
      ['node', 'state', 'rooms', 'participants', 'in', 'out', 'pkt/s', 'cpu', 'worst loss'],
      snap.nodes.map((n) => [
        sanitize(n.name),
        n.state === 'unreachable'
          ? n.lastSeen
            ? `unreachable (${fmtAge(secondsSince(snap, n.lastSeen))})`
            : 'unreachable'
          : n.state,
        n.totals?.rooms,
        n.totals?.participants,
        n.totals ? fmtBitrate(n.totals.bitrateInBps) : null,
        n.totals ? fmtBitrate(n.totals.bitrateOutBps) : null,
        n.totals?.packetsPerSecond === null || !n.totals ? null : fmtCount(n.totals.packetsPerSecond),
        n.totals ? fmtPercent(n.totals.cpuPercent) : null,
        n.totals?.worstLoss === null || !n.totals ? null : fmtLoss(n.totals.worstLoss),
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
          'participants',
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
          r.participants,
          r.publishers,
          fmtBitrate(r.bitrateInBps),
          fmtBitrate(r.bitrateOutBps),
          r.worst.jitterMs === null ? null : fmtMs(r.worst.jitterMs),
          r.worst.loss === null ? null : fmtLoss(r.worst.loss),
          r.worst.mos === null ? null : fmtMos(r.worst.mos),
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
