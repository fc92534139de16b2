// Keyframe requests from subscribers are relayed to the publisher at most once per interval:
// every new subscriber and every decoder error asks for one, and an encoder flooded with PLIs
// sends nothing but large keyframes. A request inside the window is not dropped but deferred
// to its end, so a newcomer still gets its first frame within about one interval.

export class KeyframeThrottle {
  private lastSentAt = -Infinity
  private pending: NodeJS.Timeout | undefined
  sent = 0
  suppressed = 0

  constructor(
    private readonly send: () => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  request(): void {
    const wait = this.lastSentAt + this.intervalMs - this.now()
    if (wait <= 0) {
      this.fire()
      return
    }
    this.suppressed++
    if (!this.pending) this.pending = setTimeout(() => this.fire(), wait)
  }

  private fire(): void {
    this.pending = undefined
    this.lastSentAt = this.now()
    this.sent++
    this.send()
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending)
    this.pending = undefined
  }
}
