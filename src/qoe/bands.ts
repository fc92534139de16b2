// Quality bands (good / fair / poor) for each figure, with configurable thresholds. The
// defaults follow common operator practice: MOS 4.0+ is "satisfied" in G.107's R-to-user
// mapping, 3.6 the lower edge of "some users dissatisfied"; 30 ms jitter and 300 ms RTT
// are where conversation starts to suffer (ITU-T G.114 recommends under 400 ms one way).

export type Band = 'good' | 'fair' | 'poor'

export interface BandThresholds {
  jitterMs: {fair: number; poor: number}
  lossPercent: {fair: number; poor: number}
  rttMs: {fair: number; poor: number}
  mos: {fair: number; poor: number} // lower is worse
}

export const DEFAULT_BANDS: BandThresholds = {
  jitterMs: {fair: 20, poor: 30},
  lossPercent: {fair: 1, poor: 3},
  rttMs: {fair: 150, poor: 300},
  mos: {fair: 4.0, poor: 3.6},
}

/** Band of a figure where higher is worse (jitter, loss, RTT). */
export function bandHigherWorse(value: number | null, t: {fair: number; poor: number}): Band | null {
  if (value === null || Number.isNaN(value)) return null
  if (value > t.poor) return 'poor'
  if (value > t.fair) return 'fair'
  return 'good'
}

/** Band of MOS, where lower is worse. */
export function bandMos(value: number | null, t: {fair: number; poor: number}): Band | null {
  if (value === null || Number.isNaN(value)) return null
  if (value < t.poor) return 'poor'
  if (value < t.fair) return 'fair'
  return 'good'
}
