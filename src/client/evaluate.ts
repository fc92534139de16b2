// The smoke verdict for one received stream: did media arrive and decode, and are loss and
// jitter within the thresholds. Pure; the numbers are rounded first so that the verdict
// always agrees with what the report shows.
import type {InboundStreamStats, MediaKind} from './stats.js'
import type {StreamSummary} from '../qoe/summary.js'

export interface SmokeThresholds {
  maxLossPercent: number
  maxJitterMs: number
}

export interface StreamResult {
  subscriber: string
  publisher: string
  kind: MediaKind
  codec: string
  packetsReceived: number
  packetsLost: number
  lossPercent: number
  jitterMs: number | null
  framesDecoded?: number
  samplesReceived?: number
  timeToFirstFrameMs?: number
  passed: boolean
  failures: string[]
  /** The stream over the whole run as src/qoe summarises it (null if never sampled). */
  summary?: StreamSummary | null
}

export interface StreamContext {
  subscriber: string
  publisher: string
  kind: MediaKind
  /** The subscriber's peer connection state when the stats were taken. */
  connectionState?: string
  /** The publisher's peer connection state (its uplink to the node). */
  publisherConnectionState?: string
  timeToFirstFrameMs?: number
}

const round2 = (n: number) => Math.round(n * 100) / 100

/** `stats` undefined means the subscriber has no inbound stream of this kind at all. */
export function evaluateStream(
  ctx: StreamContext,
  stats: InboundStreamStats | undefined,
  t: SmokeThresholds,
): StreamResult {
  const s = stats ?? {
    kind: ctx.kind,
    codec: 'unknown',
    packetsReceived: 0,
    packetsLost: 0,
    lossPercent: 0,
    jitterMs: null,
  }
  const result: StreamResult = {
    subscriber: ctx.subscriber,
    publisher: ctx.publisher,
    kind: ctx.kind,
    codec: s.codec,
    packetsReceived: s.packetsReceived,
    packetsLost: s.packetsLost,
    lossPercent: round2(s.lossPercent),
    jitterMs: s.jitterMs === null ? null : round2(s.jitterMs),
    passed: false,
    failures: [],
  }
  if (ctx.kind === 'video') result.framesDecoded = s.framesDecoded ?? 0
  else result.samplesReceived = s.samplesReceived ?? 0
  if (ctx.timeToFirstFrameMs !== undefined) result.timeToFirstFrameMs = ctx.timeToFirstFrameMs

  const f = result.failures
  if (ctx.publisherConnectionState && ctx.publisherConnectionState !== 'connected') {
    f.push(`publisher connection state is ${ctx.publisherConnectionState}, not connected`)
  }
  if (ctx.connectionState && ctx.connectionState !== 'connected')
    f.push(`connection state is ${ctx.connectionState}, not connected`)
  if (!stats) f.push(`no inbound ${ctx.kind} stream`)
  else if (result.packetsReceived <= 0) f.push('no packets received')
  else if (ctx.kind === 'video' && !result.framesDecoded) f.push('no video frames decoded')
  else if (ctx.kind === 'audio' && !result.samplesReceived) f.push('no audio samples received')
  if (result.lossPercent > t.maxLossPercent) f.push(`packet loss ${result.lossPercent}% is above ${t.maxLossPercent}%`)
  if (result.jitterMs !== null && result.jitterMs > t.maxJitterMs)
    f.push(`jitter ${result.jitterMs} ms is above ${t.maxJitterMs} ms`)
  result.passed = f.length === 0
  return result
}
