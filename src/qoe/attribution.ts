// Says where a subscriber's packet loss happened. The SFU forwards sequence numbers with a
// constant offset, so a packet lost on the publisher's uplink is a gap the subscriber sees
// too: the subscriber's loss is (roughly) uplink loss + downlink loss. Comparing it with the
// loss the node itself saw on the uplink tells which leg lost the packets.

export type LossLeg = 'none' | 'uplink' | 'downlink' | 'both'

export interface Attribution {
  leg: LossLeg
  /** Percentage points of the subscriber's loss explained by each leg. */
  uplinkPercent: number
  downlinkPercent: number
  explanation: string
}

/** Loss below this (percentage points) is noise, not a leg to blame. */
export const LOSS_NOISE_PERCENT = 0.5
/**
 * A leg must also carry this share of the subscriber's loss to be blamed: the two figures
 * come from different clocks (the node's counters, the subscriber's receiver reports about
 * a second late), so a small remainder is measurement error, not a second lossy leg.
 */
export const LEG_SHARE = 0.25

export function attributeLoss(
  subscriberLossPercent: number,
  publisherUplinkLossPercent: number,
  publisher = 'the publisher',
): Attribution {
  const up = Math.max(0, publisherUplinkLossPercent)
  const total = Math.max(0, subscriberLossPercent)
  const down = Math.max(0, total - up)
  const round = (n: number) => Math.round(n * 100) / 100
  const floor = Math.max(LOSS_NOISE_PERCENT, LEG_SHARE * Math.max(total, up))
  const upMatters = up >= floor
  const downMatters = down >= floor
  if (!upMatters && !downMatters) {
    return {
      leg: 'none',
      uplinkPercent: round(up),
      downlinkPercent: round(down),
      explanation: 'no loss worth mentioning',
    }
  }
  if (upMatters && !downMatters) {
    return {
      leg: 'uplink',
      uplinkPercent: round(up),
      downlinkPercent: round(down),
      explanation: `lost on ${publisher}'s uplink before the SFU (the SFU saw ${round(up)} % loss)`,
    }
  }
  if (!upMatters) {
    return {
      leg: 'downlink',
      uplinkPercent: round(up),
      downlinkPercent: round(down),
      explanation: `lost on this subscriber's downlink (the SFU received ${publisher}'s stream intact)`,
    }
  }
  return {
    leg: 'both',
    uplinkPercent: round(up),
    downlinkPercent: round(down),
    explanation: `${round(up)} % lost on ${publisher}'s uplink and ${round(down)} % more on this subscriber's downlink`,
  }
}
