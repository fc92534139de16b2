// Turns a node's QoE samples (stored rows or live snapshots, both in the node's QoeSample
// shape) into per-participant stream summaries, and says for each subscriber stream with
// loss which leg lost it (src/qoe/attribution.ts). Pure: the samples are fetched elsewhere.
//
// JSON contract (`qoe inspect --json` and `qoe check --node --json`), one per stream:
//   {room, participantId, identity, direction: "uplink"|"downlink", kind, sourcePublisherId,
//    summary: StreamSummary (src/qoe/summary.ts),
//    totalLossPercent: number|null   loss over the whole window from the cumulative counters,
//    attribution: {leg: "none"|"uplink"|"downlink"|"both", uplinkPercent, downlinkPercent,
//                  explanation} | null   (downlink streams only)}
import type {QoeSample as NodeSample} from '../api/node-api.js'
import {attributeLoss, type Attribution} from './attribution.js'
import type {BandThresholds} from './bands.js'
import {summarizeStream, type QoeSample, type StreamSummary} from './summary.js'

export interface NodeStream {
  room: string
  participantId: string
  identity: string
  direction: 'uplink' | 'downlink'
  kind: 'audio' | 'video'
  sourcePublisherId: string | null
  summary: StreamSummary
  totalLossPercent: number | null
  attribution: Attribution | null
}

/** Node rows -> the summary's sample shape. Uplink counts what the node received; downlink
 *  what it sent, with loss as the subscriber reported it (so loss% = Δlost / Δsent). */
function toSample(row: NodeSample): QoeSample {
  const time = Date.parse(row.time)
  const common = {time, packetsLost: row.lost, jitterMs: row.jitterMs, rttMs: row.rttMs}
  return row.direction === 'uplink' ? {...common, packetsReceived: row.packets} : {...common, packetsSent: row.packets}
}

function windowLoss(rows: NodeSample[]): number | null {
  if (rows.length < 2) return null
  const first = rows[0]!
  const last = rows[rows.length - 1]!
  const lost = Math.max(0, last.lost - first.lost)
  // Downlink: "lost" moves with the subscriber's receiver reports (audio: every ~5 s), so the
  // denominator must be what the same reports expected; dividing by the packets sent in the
  // window paired ~7.5 s of reported loss with 10 s of media, or 15 s with 10.
  // (`?? null`: a node from before the field sends none.)
  const [from, to] = [first.expected ?? null, last.expected ?? null]
  if (from !== null && to !== null) {
    const expected = to - from
    // No new report within the window: no loss figure for it (not 0 %).
    return expected > 0 ? Math.min(100, (100 * lost) / expected) : null
  }
  const packets = last.packets - first.packets
  if (packets <= 0) return null
  // Uplink: packets = received, so expected = received + lost (RFC 3550 A.3). A downlink
  // sample without reported expectations (a node.db from before them) falls back to the
  // packets sent plus the gaps the uplink already had, which the subscriber's loss includes.
  return Math.min(100, (100 * lost) / (packets + lost))
}

export function summarizeNodeStreams(rows: NodeSample[], bands?: BandThresholds): NodeStream[] {
  const series = new Map<string, NodeSample[]>()
  for (const row of rows) {
    const key = `${row.room}\u0000${row.participantId}\u0000${row.direction}\u0000${row.kind}`
    let list = series.get(key)
    if (!list) series.set(key, (list = []))
    list.push(row)
  }
  const out: NodeStream[] = []
  for (const list of series.values()) {
    list.sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    const first = list[0]!
    const summary = summarizeStream(
      {
        id: `${first.participantId}:${first.kind}:${first.direction}`,
        kind: first.kind,
        direction: first.direction,
        codec: first.codec,
        ssrc: null,
      },
      list.map(toSample),
      bands,
    )
    out.push({
      room: first.room,
      participantId: first.participantId,
      identity: first.identity,
      direction: first.direction,
      kind: first.kind,
      sourcePublisherId: first.sourcePublisherId,
      summary,
      totalLossPercent: round(windowLoss(list)),
      attribution: null,
    })
  }
  // Attribution: compare each downlink's loss with its publisher's uplink of the same kind.
  for (const s of out) {
    if (s.direction !== 'downlink' || s.totalLossPercent === null) continue
    const up = out.find((u) => u.direction === 'uplink' && u.participantId === s.sourcePublisherId && u.kind === s.kind)
    s.attribution = attributeLoss(
      s.totalLossPercent,
      up?.totalLossPercent ?? 0,
      up?.identity ?? s.sourcePublisherId ?? 'the publisher',
    )
  }
  return out.sort(
    (a, b) =>
      a.room.localeCompare(b.room) ||
      a.identity.localeCompare(b.identity) ||
      a.direction.localeCompare(b.direction) ||
      a.kind.localeCompare(b.kind),
  )
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100)
