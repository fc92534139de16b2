// One stream of one participant at one moment, as a QoE sample row: the shape the node
// stores every --qoe-interval and that `qoe inspect --live` builds from /v1/rooms/{room},
// so stored and live samples are summarised by the same code.
import type {QoeSample, StreamStats} from './node-api.js'

export interface SampledParticipant {
  id: string
  identity: string
  userAgent: string
}

export function qoeSampleOf(room: string, p: SampledParticipant, s: StreamStats, time: string): QoeSample {
  return {
    time,
    room,
    participantId: p.id,
    identity: p.identity,
    direction: s.direction,
    kind: s.kind,
    codec: s.codec,
    sourcePublisherId: s.sourcePublisherId ?? null,
    packets: s.packets,
    lost: s.packetsLost,
    expected: s.reportedExpected ?? null,
    fractionLost: s.fractionLost,
    jitterMs: s.jitterMs,
    rttMs: s.rttMs,
    bitrateBps: s.bitrateBps,
    mos: s.mos ?? null,
    userAgent: p.userAgent,
  }
}
