// Keyframe requests from subscribers are relayed to the publisher at most once per interval:
// every new subscriber and every decoder error asks for one, and an encoder flooded with PLIs
// sends nothing but large keyframes. A request inside the window is not dropped but deferred
// to its end, so a newcomer still gets its first frame within about one interval.

/** The time source and timer the throttle uses; injectable so tests step time themselves. */
export interface ThrottleClock {
  now(): number
  /** Calls `fire` after `ms`; returns a function that cancels it. */
  after(ms: number, fire: () => void): () => void
}

const realClock: ThrottleClock = {
  now: Date.now,
  after(ms, fire) {
    const timer = setTimeout(fire, ms)
    return () => clearTimeout(timer)
  },
}

export class KeyframeThrottle {
  private lastSentAt = -Infinity
  private cancelPending: (() => void) | undefined
  sent = 0
  suppressed = 0

  constructor(
    private readonly send: () => void,
    private readonly intervalMs = 1000,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  request(): void {
    const wait = this.lastSentAt + this.intervalMs - this.clock.now()
    if (wait <= 0) {
      this.fire()
      return
    }
    this.suppressed++
    if (!this.cancelPending) this.cancelPending = this.clock.after(wait, () => this.fire())
  }

  private fire(): void {
    this.cancelPending = undefined
    this.lastSentAt = this.clock.now()
    this.sent++
    this.send()
  }

  stop(): void {
    this.cancelPending?.()
    this.cancelPending = undefined
  }
}
