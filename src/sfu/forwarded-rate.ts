// Packets forwarded to subscribers per second, for the node's registration in a coordinated
// fleet: the rise of the subscribers' packet counters between two calls (a subscriber that
// left takes its count with it; the rate never goes below zero).
import type {RoomRegistry} from './room-registry.js'

export class ForwardedRate {
  private lastTotal = 0
  private lastAt = Date.now()

  constructor(private readonly registry: RoomRegistry) {}

  private total(): number {
    let packets = 0
    for (const room of this.registry.list())
      for (const sub of room.subscribers.values()) for (const s of sub.streams()) packets += s.packets
    return packets
  }

  perSecond(now = Date.now()): number {
    const total = this.total()
    const seconds = (now - this.lastAt) / 1000
    const rate = seconds > 0 ? Math.max(0, total - this.lastTotal) / seconds : 0
    this.lastTotal = total
    this.lastAt = now
    return Math.round(rate)
  }
}
