// The result of `confctl smoke`: the documented --json shape, and the human rendering of it.
import type {SmokeThresholds, StreamResult} from './evaluate.js'
import type {FleetSmokeResult} from './fleet-smoke.js'

export interface SmokeReport {
  passed: boolean
  node: string
  room: string
  durationSeconds: number
  thresholds: SmokeThresholds
  streams: StreamResult[]
  /** smoke --fleet: the entry nodes, the room's owner and what was relayed. */
  fleet?: FleetSmokeResult
}

type Cell = string | number

/** A plain-text table of every stream plus a closing PASS/FAIL line. */
export function renderSmokeReport(r: SmokeReport): string {
  const headers = [
    'subscriber',
    'publisher',
    'kind',
    'codec',
    'packets',
    'lost',
    'loss %',
    'jitter ms',
    'frames/samples',
    'first ms',
    'result',
  ]
  const rows: Cell[][] = r.streams.map((s) => [
    s.subscriber,
    s.publisher,
    s.kind,
    s.codec,
    s.packetsReceived,
    s.packetsLost,
    s.lossPercent.toFixed(2),
    s.jitterMs === null ? '-' : s.jitterMs.toFixed(1),
    s.kind === 'video' ? (s.framesDecoded ?? 0) : (s.samplesReceived ?? 0),
    s.timeToFirstFrameMs ?? '-',
    s.passed ? 'ok' : 'FAIL',
  ])
  const right = headers.map((_, i) => i >= 4 && i <= 9)
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)))
  const line = (cells: Cell[]) =>
    cells
      .map((c, i) => (right[i] ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const out = [
    `smoke: node ${r.node}, room ${r.room}, ${r.durationSeconds} s, max loss ${r.thresholds.maxLossPercent}%, max jitter ${r.thresholds.maxJitterMs} ms`,
    '',
  ]
  out.push(line(headers.map((h) => h.toUpperCase())), ...rows.map(line))
  const failed = r.streams.filter((s) => !s.passed)
  if (failed.length) {
    out.push('')
    for (const s of failed) out.push(`${s.subscriber} <- ${s.publisher} ${s.kind}: ${s.failures.join('; ')}`)
  }
  if (r.fleet) {
    const f = r.fleet
    out.push('')
    out.push(
      `fleet: published via ${f.publishedVia}, subscribed via ${f.subscribedVia}, room on ${f.owner ?? '(no owner)'}, relayed: ${f.relayed.join(', ') || 'nothing'}${f.problem ? ` -- ${f.problem}` : ''}`,
    )
  }
  out.push('')
  out.push(
    r.passed
      ? `PASS: all ${r.streams.length} streams received media within the thresholds`
      : `FAIL: ${failed.length} of ${r.streams.length} streams failed`,
  )
  return out.join('\n')
}
