// Turns a client's own getStats() report into the numbers a smoke check judges: per received
// (inbound-rtp) stream. Pure (takes any Map-like of plain stats objects), so it is tested
// with synthetic reports; the field names are the W3C webrtc-stats ones libwebrtc reports.

export type MediaKind = 'audio' | 'video'

export interface InboundStreamStats {
  kind: MediaKind
  codec: string // e.g. "opus", "VP8"; "unknown" when the codec stats are missing
  packetsReceived: number
  packetsLost: number
  /** lost / (received + lost) in percent; 0 when nothing was expected. */
  lossPercent: number
  /** Interarrival jitter in milliseconds (the stats give seconds); null when not reported. */
  jitterMs: number | null
  framesDecoded?: number // video
  samplesReceived?: number // audio (totalSamplesReceived)
}

/** What getStats() resolves to (RTCStatsReport is a Map of id -> stats dictionary). */
export interface StatsReportLike {
  values(): IterableIterator<unknown>
  get(id: string): unknown
}

type Dict = Record<string, unknown>

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

/** "video/VP8" -> "VP8", "audio/opus" -> "opus". */
export function codecName(mimeType: unknown): string {
  if (typeof mimeType !== 'string' || !mimeType) return 'unknown'
  return mimeType.includes('/') ? mimeType.slice(mimeType.indexOf('/') + 1) : mimeType
}

export function lossPercent(received: number, lost: number): number {
  // packetsLost may go negative (duplicates, RFC 3550 §6.4.1); that is no loss.
  const l = Math.max(0, lost)
  const expected = Math.max(0, received) + l
  return expected > 0 ? (100 * l) / expected : 0
}

/** Every inbound-rtp stream in the report, in report order. */
export function inboundStreams(report: StatsReportLike): InboundStreamStats[] {
  const out: InboundStreamStats[] = []
  for (const value of report.values()) {
    const s = value as Dict
    if (s?.type !== 'inbound-rtp') continue
    const kind = (s.kind ?? s.mediaType) === 'video' ? 'video' : 'audio'
    const codec = typeof s.codecId === 'string' ? (report.get(s.codecId) as Dict | undefined) : undefined
    const received = num(s.packetsReceived)
    const lost = num(s.packetsLost)
    const stream: InboundStreamStats = {
      kind,
      codec: codecName(codec?.mimeType),
      packetsReceived: received,
      packetsLost: lost,
      lossPercent: lossPercent(received, lost),
      jitterMs: typeof s.jitter === 'number' && Number.isFinite(s.jitter) ? s.jitter * 1000 : null,
    }
    if (kind === 'video') stream.framesDecoded = num(s.framesDecoded)
    else stream.samplesReceived = num(s.totalSamplesReceived)
    out.push(stream)
  }
  return out
}

/** The inbound stream of one kind; several (e.g. simulcast) are summed, jitter is the worst. */
export function streamOfKind(streams: InboundStreamStats[], kind: MediaKind): InboundStreamStats | undefined {
  const of = streams.filter((s) => s.kind === kind)
  if (of.length <= 1) return of[0]
  const received = of.reduce((a, s) => a + s.packetsReceived, 0)
  const lost = of.reduce((a, s) => a + s.packetsLost, 0)
  const jitters = of.map((s) => s.jitterMs).filter((j): j is number => j !== null)
  const sum = (k: 'framesDecoded' | 'samplesReceived') => of.reduce((a, s) => a + (s[k] ?? 0), 0)
  return {
    kind,
    codec: of.find((s) => s.packetsReceived > 0)?.codec ?? of[0]!.codec,
    packetsReceived: received,
    packetsLost: lost,
    lossPercent: lossPercent(received, lost),
    jitterMs: jitters.length ? Math.max(...jitters) : null,
    ...(kind === 'video' ? {framesDecoded: sum('framesDecoded')} : {samplesReceived: sum('samplesReceived')}),
  }
}
