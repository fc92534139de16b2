// Receiver-side statistics of one RTP stream, as RFC 3550 defines them:
//  - extended highest sequence number, cycles and expected count (RFC 3550 §6.4.1, A.1, A.3),
//  - cumulative and per-interval loss (A.3): expected - received, never negative,
//  - interarrival jitter (§6.4.1, A.8) in RTP timestamp units, J += (|D| - J) / 16.
// Duplicates count as received (as A.3 says), so a late retransmission can lower "lost";
// packets older than the highest sequence seen (reordered or retransmitted) are left out
// of jitter, because their transit time measures the repair delay, not the network jitter.

const SEQ_MOD = 1 << 16
const MAX_DROPOUT = 3000
const MAX_MISORDER = 100

export interface LossSnapshot {
  expected: number
  received: number
  lost: number
  /** Fraction lost since the previous interval() call, 0..1 (A.3's fraction, unquantised). */
  fractionLost: number
}

export class RtpReceiveStats {
  private baseSeq = 0
  private maxSeq = 0
  private cycles = 0
  private started = false
  private received = 0
  private expectedPrior = 0
  private receivedPrior = 0
  private jitterUnits = 0
  private lastTransit: number | undefined
  bytes = 0

  constructor(readonly clockRate: number) {}

  /**
   * Records one packet. arrivalMs is the local receive time; rtpTimestamp is the packet's
   * 32-bit RTP timestamp. Both are converted to the same units (RTP clock) for the jitter.
   */
  add(seq: number, rtpTimestamp: number, arrivalMs: number, payloadBytes = 0): void {
    this.bytes += payloadBytes
    if (!this.started) {
      this.started = true
      this.baseSeq = seq
      this.maxSeq = seq
      this.received = 1
      this.updateJitter(rtpTimestamp, arrivalMs)
      return
    }
    const delta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD
    if (delta === 0) {
      this.received++ // duplicate: counted as received, as in RFC 3550 A.3
      return
    }
    if (delta < MAX_DROPOUT) {
      // In order, possibly with a gap: advance, counting a wrap of the 16-bit space.
      if (seq < this.maxSeq) this.cycles += SEQ_MOD
      this.maxSeq = seq
      this.received++
      this.updateJitter(rtpTimestamp, arrivalMs)
    } else if (delta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump: the sender restarted its sequence. Re-synchronise (A.1).
      this.baseSeq = seq
      this.maxSeq = seq
      this.cycles = 0
      this.received = 1
      this.expectedPrior = 0
      this.receivedPrior = 0
      this.lastTransit = undefined
      this.updateJitter(rtpTimestamp, arrivalMs)
    } else {
      // Reordered or retransmitted (older than the highest seen): counts, no jitter.
      this.received++
    }
  }

  private updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrivalUnits = (arrivalMs * this.clockRate) / 1000
    const transit = arrivalUnits - rtpTimestamp
    if (this.lastTransit !== undefined) {
      let d = Math.abs(transit - this.lastTransit)
      // The RTP timestamp is 32 bits; a wrap between two packets must not look like jitter.
      if (d > 2 ** 31) d = Math.abs(d - 2 ** 32)
      this.jitterUnits += (d - this.jitterUnits) / 16
    }
    this.lastTransit = transit
  }

  get extendedMaxSeq(): number {
    return this.cycles + this.maxSeq
  }

  get expected(): number {
    return this.started ? this.extendedMaxSeq - this.baseSeq + 1 : 0
  }

  get packetsReceived(): number {
    return this.received
  }

  /** Cumulative lost packets, clamped at 0 (duplicates may make received exceed expected). */
  get lost(): number {
    return Math.max(0, this.expected - this.received)
  }

  get jitterMs(): number {
    return (this.jitterUnits / this.clockRate) * 1000
  }

  /** Closes an interval (A.3) and returns loss for it and in total. */
  interval(): LossSnapshot {
    const expected = this.expected
    const expectedInterval = expected - this.expectedPrior
    const receivedInterval = this.received - this.receivedPrior
    this.expectedPrior = expected
    this.receivedPrior = this.received
    const lostInterval = expectedInterval - receivedInterval
    const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : lostInterval / expectedInterval
    return {expected, received: this.received, lost: this.lost, fractionLost}
  }
}
