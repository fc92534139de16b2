// The MOS the node reports per stream: the E-model (src/qoe/mos.ts) fed with the stream's
// last-interval loss, its jitter and its RTT. Uplink streams have no RTT of their own (the
// node only receives from a publisher), so they are scored on loss and jitter alone. The
// E-model is a voice model; for video it is a network-quality score on the same scale.
import {estimateMos} from '../qoe/mos.js'

export function streamMos(fractionLost: number, jitterMs: number | null, rttMs: number | null): number | null {
  if (jitterMs === null) return null
  const mos = estimateMos({rttMs: rttMs ?? 0, jitterMs, lossPercent: fractionLost * 100})
  return Math.round(mos * 100) / 100
}
