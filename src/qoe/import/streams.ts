// Turns one peer connection's kept stats into per-stream summaries: one for each
// inbound-rtp (what this end received) and each outbound-rtp (what it sent).
//
//  inbound-rtp  packetsReceived, packetsLost, jitter and bytesReceived come from the stream
//               itself; RTT from its remote-outbound-rtp (RTCP XR/DLRR, rarely present), else
//               from the transport's selected candidate pair (currentRoundTripTime, STUN).
//  outbound-rtp packetsSent and bytesSent from the stream; packetsLost, fractionLost, jitter
//               and roundTripTime from its remote-inbound-rtp, i.e. the remote receiver's RTCP
//               receiver reports; RTT falls back to the candidate pair as above.
// Companion series are sampled at the stream's sample times: the latest companion sample at
// or before that time (with a quarter second of slack when the dump had no timestamps and
// the times were spread evenly). A remote roundTripTime while roundTripTimeMeasurements is
// still 0 is libwebrtc's placeholder before the first measurement, not an RTT of 0.
// Links: remote-* by localId (or the stream's remoteId, or the same ssrc and kind); the
// candidate pair by the transport's selectedCandidatePairId, else the pair that carried most
// bytes; the codec by codecId (mimeType "video/VP8" -> codec "VP8").
import type {BandThresholds} from '../bands.js'
import {summarizeStream, type MediaKind, type QoeSample, type StreamSummary} from '../summary.js'
import type {NumericField, PcStats, StatSeries} from './stat-series.js'

const SPREAD_SLACK_MS = 250

/** Index of the companion sample current at `time`, or -1. */
function at(s: StatSeries | undefined, time: number): number {
  return s ? s.indexAtOrBefore(time, s.exactTimes ? 0 : SPREAD_SLACK_MS) : -1
}

function columnAt(s: StatSeries | undefined, name: NumericField, i: number): number | null {
  if (!s || i < 0) return null
  const v = s.column(name)?.[i]
  return v === undefined || Number.isNaN(v) ? null : v
}

function lastNumber(s: StatSeries, name: NumericField): number {
  const col = s.column(name)
  if (!col) return 0
  for (let i = col.length - 1; i >= 0; i--) if (!Number.isNaN(col[i]!)) return col[i]!
  return 0
}

function kindOf(s: StatSeries): MediaKind | null {
  const k = s.last.kind ?? s.last.mediaType
  return k === 'audio' || k === 'video' ? k : null
}

function ssrcOf(s: StatSeries): number | null {
  const v = Number(s.last.ssrc)
  return s.last.ssrc !== undefined && Number.isFinite(v) ? v : null
}

function codecOf(pc: PcStats, s: StatSeries): string | null {
  const id = s.last.codecId
  const mime = typeof id === 'string' ? pc.stats.get(id)?.last.mimeType : undefined
  if (typeof mime !== 'string' || !mime) return null
  const slash = mime.indexOf('/')
  return slash >= 0 ? mime.slice(slash + 1) : mime
}

/** The remote-* companion of a local stream. */
function companion(
  pc: PcStats,
  s: StatSeries,
  type: 'remote-inbound-rtp' | 'remote-outbound-rtp',
): StatSeries | undefined {
  const candidates = pc.ofType(type)
  return (
    candidates.find((r) => r.last.localId === s.id) ??
    candidates.find((r) => r.id === s.last.remoteId) ??
    candidates.find((r) => ssrcOf(r) !== null && ssrcOf(r) === ssrcOf(s) && kindOf(r) === kindOf(s))
  )
}

/** The candidate pair whose currentRoundTripTime stands for the stream's transport RTT. */
function candidatePair(pc: PcStats, s: StatSeries): StatSeries | undefined {
  const transports = pc.ofType('transport')
  const transport =
    (typeof s.last.transportId === 'string' ? pc.stats.get(s.last.transportId) : undefined) ??
    (transports.length === 1 ? transports[0] : undefined)
  const selected = transport?.last.selectedCandidatePairId
  if (typeof selected === 'string') {
    const pair = pc.stats.get(selected)
    if (pair && pair.type === 'candidate-pair') return pair
  }
  const pairs = pc
    .ofType('candidate-pair')
    .filter((p) => !transport || p.last.transportId === undefined || p.last.transportId === transport.id)
  let best: StatSeries | undefined
  let bestBytes = -1
  for (const p of pairs) {
    const bytes = lastNumber(p, 'bytesSent') + lastNumber(p, 'bytesReceived')
    if (bytes > bestBytes || (bytes === bestBytes && p.last.nominated === true)) {
      best = p
      bestBytes = bytes
    }
  }
  return best
}

function hasAny(s: StatSeries | undefined, name: NumericField): boolean {
  return !!s?.column(name)?.some((v) => !Number.isNaN(v))
}

/** RTT in ms at a time, from a remote-* stream (roundTripTime) or a candidate pair. */
function rttLookup(remote: StatSeries | undefined, pair: StatSeries | undefined): (time: number) => number | null {
  if (remote && hasAny(remote, 'roundTripTime')) {
    return (t) => {
      const i = at(remote, t)
      if (columnAt(remote, 'roundTripTimeMeasurements', i) === 0) return null
      const v = columnAt(remote, 'roundTripTime', i)
      return v === null ? null : v * 1000
    }
  }
  if (pair && hasAny(pair, 'currentRoundTripTime')) {
    return (t) => {
      const v = columnAt(pair, 'currentRoundTripTime', at(pair, t))
      return v === null ? null : v * 1000
    }
  }
  return () => null
}

/** Value i of a column, null when absent. */
const cell = (col: number[] | undefined, i: number): number | null => {
  const v = i >= 0 ? col?.[i] : undefined
  return v === undefined || Number.isNaN(v) ? null : v
}

function inboundSamples(pc: PcStats, s: StatSeries): QoeSample[] {
  const rtt = rttLookup(companion(pc, s, 'remote-outbound-rtp'), candidatePair(pc, s))
  const received = s.column('packetsReceived')
  const lost = s.column('packetsLost')
  const jitter = s.column('jitter')
  const bytes = s.column('bytesReceived')
  return s.times.map((time, i) => {
    const j = cell(jitter, i)
    return {
      time,
      packetsReceived: cell(received, i),
      packetsLost: cell(lost, i),
      jitterMs: j === null ? null : j * 1000,
      rttMs: rtt(time),
      bytes: cell(bytes, i),
    }
  })
}

function outboundSamples(pc: PcStats, s: StatSeries): QoeSample[] {
  const remote = companion(pc, s, 'remote-inbound-rtp')
  const rtt = rttLookup(remote, candidatePair(pc, s))
  return s.times.map((time, i) => {
    const r = at(remote, time)
    const jitter = columnAt(remote, 'jitter', r)
    return {
      time,
      packetsSent: columnAt(s, 'packetsSent', i),
      packetsLost: columnAt(remote, 'packetsLost', r),
      fractionLost: columnAt(remote, 'fractionLost', r),
      jitterMs: jitter === null ? null : jitter * 1000,
      rttMs: rtt(time),
      bytes: columnAt(s, 'bytesSent', i),
    }
  })
}

const KIND_ORDER = {audio: 0, video: 1}

/** Summaries of every inbound-rtp and outbound-rtp stream of a peer connection. */
export function summarizePeerConnection(pc: PcStats, bands?: BandThresholds): StreamSummary[] {
  const out: StreamSummary[] = []
  for (const [type, direction] of [
    ['inbound-rtp', 'inbound'],
    ['outbound-rtp', 'outbound'],
  ] as const) {
    const streams = pc.ofType(type).sort((a, b) => {
      const ka = kindOf(a)
      const kb = kindOf(b)
      return (
        (ka ? KIND_ORDER[ka] : 2) - (kb ? KIND_ORDER[kb] : 2) ||
        (ssrcOf(a) ?? 0) - (ssrcOf(b) ?? 0) ||
        a.id.localeCompare(b.id)
      )
    })
    for (const s of streams) {
      const samples = direction === 'inbound' ? inboundSamples(pc, s) : outboundSamples(pc, s)
      out.push(
        summarizeStream({id: s.id, kind: kindOf(s), direction, codec: codecOf(pc, s), ssrc: ssrcOf(s)}, samples, bands),
      )
    }
  }
  return out
}
