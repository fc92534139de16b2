// The quality figures of a whole room that GET /v1/rooms carries for each room, from the
// stats of its participants' streams: the worst jitter, loss, RTT and MOS among them and the
// sum of their packet counters. They let a dashboard list every room with its quality (and
// a node's packets per second, from two polls) without asking for every room's detail.
// Pure; shared by the node (Room.summary) and the synthetic fleet that stands in for nodes.
import type {RoomSummary, StreamStats} from './node-api.js'

export type RoomStats = Pick<RoomSummary, 'worstJitterMs' | 'worstLossPercent' | 'worstRttMs' | 'worstMos' | 'packets'>

/** Worst figures and packet total over the streams of `participants`. A figure no stream
 *  carries is null; the loss is a percentage rounded to 0.01. */
export function roomStats(participants: Iterable<{streams: readonly StreamStats[]}>): RoomStats {
  let jitter: number | null = null
  let loss: number | null = null
  let rtt: number | null = null
  let mos: number | null = null
  let packets = 0
  for (const p of participants) {
    for (const s of p.streams) {
      packets += s.packets
      if (isNum(s.jitterMs) && (jitter === null || s.jitterMs > jitter)) jitter = s.jitterMs
      if (isNum(s.fractionLost) && (loss === null || s.fractionLost > loss)) loss = s.fractionLost
      if (isNum(s.rttMs) && (rtt === null || s.rttMs > rtt)) rtt = s.rttMs
      if (isNum(s.mos) && (mos === null || s.mos < mos)) mos = s.mos
    }
  }
  return {
    worstJitterMs: jitter,
    worstLossPercent: loss === null ? null : Math.round(loss * 10_000) / 100,
    worstRttMs: rtt,
    worstMos: mos,
    packets,
  }
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && !Number.isNaN(v)
