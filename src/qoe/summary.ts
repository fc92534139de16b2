// The per-stream QoE summary every `confctl qoe` command shows: one stream's time series of
// samples (from a webrtc-internals dump, an RTCStatsDump, or later a node's stored samples)
// reduced to loss, jitter, RTT and MOS percentiles plus a quality band for each.
//
// JSON contract (`--json` of `qoe import` and `qoe check`), one object per stream:
//
//   {
//     "id": string,                 stats id of the stream (e.g. "IT01V1234"), or the node's stream id
//     "kind": "audio"|"video"|null,
//     "direction": "inbound"|"outbound"|"uplink"|"downlink",
//     "codec": string|null,         mime subtype: "opus", "VP8", ...
//     "ssrc": number|null,
//     "samples": number,            samples in the series
//     "packets": number|null,       cumulative packets at the last sample: received (inbound,
//                                   uplink) or sent (outbound, downlink)
//     "packetsLost": number|null,   cumulative packets lost at the last sample (for outbound /
//                                   downlink: as the remote end reported it in RTCP)
//     "bitrateBps": number|null,    mean bitrate over the series, from the byte counters
//     "lossPercent": Pct|null,      per-interval loss in percent
//     "jitterMs": Pct|null,         interarrival jitter in ms
//     "rttMs": Pct|null,            round-trip time in ms
//     "mos": Pct|null,              E-model MOS per sample (src/qoe/mos.ts), 1..4.5
//     "bands": {"jitter", "loss", "rtt", "mos"}: "good"|"fair"|"poor"|null  (of the p95)
//   }
//   Pct = {"p50": number, "p95": number, "max": number}, nearest-rank (src/qoe/percentiles.ts),
//   rounded to 3 decimals; null when no sample carries the figure.
//
// Percentiles are read on the *worse* side, so that "p95" always means "95 % of samples
// were at least this good" and "max" always means "the worst sample": for jitter, loss and
// RTT (higher is worse) they are the usual p95 and maximum; for MOS (lower is worse) p95 is
// the MOS that 95 % of samples reach or exceed (the 5th percentile) and "max" the lowest MOS.
// Bands and threshold checks (src/qoe/thresholds.ts) use p95.
//
// Loss per interval, between consecutive samples i-1 and i:
//   1. both samples carry packetsReceived and packetsLost (receivers: inbound, uplink):
//        lost = max(0, Δlost), loss% = 100 * lost / (Δreceived + lost)
//      (a negative Δlost, duplicates counted by RFC 3550 A.3, counts as no loss; an interval
//      with no packets, or with a counter that went backwards, gives no figure);
//   2. else sample i carries fractionLost (0..1: the receiver's own figure for its last RTCP
//      report interval, which is what a sender knows: outbound, downlink): 100 * fractionLost;
//   3. else both carry packetsSent and packetsLost: 100 * max(0, Δlost) / Δsent (capped at 100).
// MOS of sample i uses its jitter, its RTT (0 when unknown, as the node does for uplinks) and
// the loss of the interval that ends at it; samples without jitter or loss have no MOS.
import {bandHigherWorse, bandMos, DEFAULT_BANDS, type Band, type BandThresholds} from './bands.js'
import {estimateMos} from './mos.js'
import {nearestRank} from './percentiles.js'

export type Direction = 'inbound' | 'outbound' | 'uplink' | 'downlink'
export type MediaKind = 'audio' | 'video'

export interface Pct {
  p50: number
  p95: number
  max: number
}

/** One point of a stream's time series. Counters are cumulative; absent figures are null. */
export interface QoeSample {
  /** ms since the Unix epoch */
  time: number
  packetsReceived?: number | null
  packetsSent?: number | null
  packetsLost?: number | null
  /** 0..1, the receiver's loss fraction for its last report interval */
  fractionLost?: number | null
  jitterMs?: number | null
  rttMs?: number | null
  /** cumulative bytes received (receivers) or sent (senders) */
  bytes?: number | null
}

export interface StreamInfo {
  id: string
  kind: MediaKind | null
  direction: Direction
  codec: string | null
  ssrc: number | null
}

export interface StreamBands {
  jitter: Band | null
  loss: Band | null
  rtt: Band | null
  mos: Band | null
}

export interface StreamSummary extends StreamInfo {
  samples: number
  packets: number | null
  packetsLost: number | null
  bitrateBps: number | null
  lossPercent: Pct | null
  jitterMs: Pct | null
  rttMs: Pct | null
  mos: Pct | null
  bands: StreamBands
}

const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const round3 = (v: number): number => Math.round(v * 1000) / 1000

/** p50 / p95 / max where higher is worse. */
export function pctHigherWorse(values: number[]): Pct | null {
  if (values.length === 0) return null
  const sorted = Float64Array.from(values).sort() as unknown as number[] // numeric sort, no comparator calls
  return {
    p50: round3(nearestRank(sorted, 50)),
    p95: round3(nearestRank(sorted, 95)),
    max: round3(sorted[sorted.length - 1]!),
  }
}

/** p50 / p95 / "max" where lower is worse (MOS): ranks counted from the best value down. */
export function pctLowerWorse(values: number[]): Pct | null {
  if (values.length === 0) return null
  const sorted = Float64Array.from(values, (v) => -v).sort() as unknown as number[] // best first
  return {
    p50: round3(-nearestRank(sorted, 50)),
    p95: round3(-nearestRank(sorted, 95)),
    max: round3(-sorted[sorted.length - 1]!),
  }
}

/** Loss in percent of the interval that ends at samples[i], or null (rules in the header). */
export function intervalLossPercent(prev: QoeSample | undefined, cur: QoeSample): number | null {
  const lost = num(cur.packetsLost)
  const prevLost = prev ? num(prev.packetsLost) : null
  const recv = num(cur.packetsReceived)
  const prevRecv = prev ? num(prev.packetsReceived) : null
  if (lost !== null && prevLost !== null && recv !== null && prevRecv !== null) {
    const dRecv = recv - prevRecv
    const dLost = Math.max(0, lost - prevLost)
    if (dRecv < 0 || dRecv + dLost <= 0) return null
    return (100 * dLost) / (dRecv + dLost)
  }
  const fraction = num(cur.fractionLost)
  if (fraction !== null) return 100 * Math.min(1, Math.max(0, fraction))
  const sent = num(cur.packetsSent)
  const prevSent = prev ? num(prev.packetsSent) : null
  if (lost !== null && prevLost !== null && sent !== null && prevSent !== null) {
    const dSent = sent - prevSent
    if (dSent <= 0) return null
    return Math.min(100, (100 * Math.max(0, lost - prevLost)) / dSent)
  }
  return null
}

const RECEIVING: ReadonlySet<Direction> = new Set(['inbound', 'uplink'])

function lastOf(samples: QoeSample[], pick: (s: QoeSample) => number | null | undefined): number | null {
  for (let i = samples.length - 1; i >= 0; i--) {
    const v = num(pick(samples[i]!))
    if (v !== null) return v
  }
  return null
}

/** Mean bitrate: the sum of positive byte deltas over the time they span (resets skipped). */
function meanBitrate(samples: QoeSample[]): number | null {
  let bytes = 0
  let ms = 0
  for (let i = 1; i < samples.length; i++) {
    const a = num(samples[i - 1]!.bytes)
    const b = num(samples[i]!.bytes)
    const dt = samples[i]!.time - samples[i - 1]!.time
    if (a === null || b === null || b < a || dt <= 0) continue
    bytes += b - a
    ms += dt
  }
  return ms > 0 ? Math.round((bytes * 8 * 1000) / ms) : null
}

/** Summarises one stream's samples (sorted by time here if they are not). */
export function summarizeStream(
  info: StreamInfo,
  input: QoeSample[],
  bands: BandThresholds = DEFAULT_BANDS,
): StreamSummary {
  const samples = input.every((s, i) => i === 0 || input[i - 1]!.time <= s.time)
    ? input
    : [...input].sort((a, b) => a.time - b.time)
  const loss: number[] = []
  const jitter: number[] = []
  const rtt: number[] = []
  const mos: number[] = []
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!
    const l = intervalLossPercent(samples[i - 1], s)
    const j = num(s.jitterMs)
    const r = num(s.rttMs)
    if (l !== null) loss.push(l)
    if (j !== null) jitter.push(j)
    if (r !== null) rtt.push(r)
    if (l !== null && j !== null) mos.push(estimateMos({rttMs: r ?? 0, jitterMs: j, lossPercent: l}))
  }
  const receiving = RECEIVING.has(info.direction)
  const packets = receiving
    ? (lastOf(samples, (s) => s.packetsReceived) ?? lastOf(samples, (s) => s.packetsSent))
    : (lastOf(samples, (s) => s.packetsSent) ?? lastOf(samples, (s) => s.packetsReceived))
  const lossPercent = pctHigherWorse(loss)
  const jitterMs = pctHigherWorse(jitter)
  const rttMs = pctHigherWorse(rtt)
  const mosPct = pctLowerWorse(mos)
  return {
    id: info.id,
    kind: info.kind,
    direction: info.direction,
    codec: info.codec,
    ssrc: info.ssrc,
    samples: samples.length,
    packets,
    packetsLost: lastOf(samples, (s) => s.packetsLost),
    bitrateBps: meanBitrate(samples),
    lossPercent,
    jitterMs,
    rttMs,
    mos: mosPct,
    bands: {
      jitter: bandHigherWorse(jitterMs?.p95 ?? null, bands.jitterMs),
      loss: bandHigherWorse(lossPercent?.p95 ?? null, bands.lossPercent),
      rtt: bandHigherWorse(rttMs?.p95 ?? null, bands.rttMs),
      mos: bandMos(mosPct?.p95 ?? null, bands.mos),
    },
  }
}

// ---- Text rendering shared by the commands (one row per stream) -------------------------

/** "inbound-rtp video ssrc 1234": how a stream is named in tables and violations. */
export function streamLabel(s: StreamInfo): string {
  const dir = s.direction === 'inbound' || s.direction === 'outbound' ? `${s.direction}-rtp` : s.direction
  return [dir, s.kind ?? 'media', s.ssrc !== null ? `ssrc ${s.ssrc}` : s.id].join(' ')
}

/** A number for people: at most 2 decimals, no trailing zeros. */
export function formatNumber(v: number): string {
  return String(Math.round(v * 100) / 100)
}

/** "p50 / p95 / max" of one figure, as the columns of PERCENTILE_HEADERS label them. */
export const formatPercentiles = (p: Pct | null): string =>
  p ? `${formatNumber(p.p50)} / ${formatNumber(p.p95)} / ${formatNumber(p.max)}` : '-'

/** Column titles of the four figures, in StreamSummary order: each says its statistics. MOS is
 *  worse when lower: its "p95" is the MOS 95 % of samples reach (the 5th percentile) and its
 *  "max" the lowest MOS, so its column says p50/p5/min. */
export const PERCENTILE_HEADERS = [
  'loss % p50/p95/max',
  'jitter ms p50/p95/max',
  'rtt ms p50/p95/max',
  'mos p50/p5/min',
]

const BAND_ORDER: Record<Band, number> = {good: 0, fair: 1, poor: 2}

/** The worst of a stream's bands, or null when it has none. */
export function worstBand(b: StreamBands): Band | null {
  let worst: Band | null = null
  for (const band of [b.jitter, b.loss, b.rtt, b.mos])
    if (band && (worst === null || BAND_ORDER[band] > BAND_ORDER[worst])) worst = band
  return worst
}

export const SUMMARY_TABLE_HEADERS = ['stream', 'codec', 'samples', ...PERCENTILE_HEADERS, 'quality']

/** Table cells of one stream, in SUMMARY_TABLE_HEADERS order (first column prefixed by the caller's scope). */
export function summaryRow(scope: string, s: StreamSummary): string[] {
  return [
    `${scope} / ${streamLabel(s)}`,
    s.codec ?? '-',
    String(s.samples),
    formatPercentiles(s.lossPercent),
    formatPercentiles(s.jitterMs),
    formatPercentiles(s.rttMs),
    formatPercentiles(s.mos),
    worstBand(s.bands) ?? '-',
  ]
}
