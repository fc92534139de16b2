// Records each subscription's inbound counters once a second while a smoke check runs, so
// that every smoke stream gets the same src/qoe summary (p50/p95/max of loss per interval,
// jitter and MOS, with bands) that `qoe import` and `qoe inspect` show.
//
// It holds no peer connection itself: the caller hands over the current list at each tick,
// and the series live in a WeakMap keyed by the caller's objects. wrtc 0.10 crashes at
// process exit when any reference keeps a native peer alive past the final collection
// (see releaseNativeObjects in wrtc.ts), so nothing here may outlive the caller's list.
import {summarizeStream, type QoeSample, type StreamSummary} from '../qoe/summary.js'
import {inboundStreams, streamOfKind, type MediaKind, type StatsReportLike} from './stats.js'

export interface Sampleable {
  pc: {getStats(): Promise<unknown>}
}

export class StatsSeries {
  private readonly series = new WeakMap<object, Record<MediaKind, QoeSample[]>>()
  private timer: NodeJS.Timeout | undefined
  private inflight: Promise<void> = Promise.resolve()

  start(current: () => Sampleable[], intervalMs = 1000): void {
    this.timer = setInterval(() => {
      this.inflight = this.sampleAll(current())
    }, intervalMs)
  }

  /** Stops sampling and waits for a getStats() still under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.inflight
    this.inflight = Promise.resolve()
  }

  private async sampleAll(items: Sampleable[]): Promise<void> {
    const time = Date.now()
    // One peer at a time: getStats() is cheap, and sequential calls keep the load even.
    for (const item of items) {
      try {
        const inbound = inboundStreams((await item.pc.getStats()) as StatsReportLike)
        let series = this.series.get(item)
        if (!series) this.series.set(item, (series = {audio: [], video: []}))
        for (const kind of ['audio', 'video'] as const) {
          const st = streamOfKind(inbound, kind)
          if (st)
            series[kind].push({
              time,
              packetsReceived: st.packetsReceived,
              packetsLost: st.packetsLost,
              jitterMs: st.jitterMs,
            })
        }
      } catch {
        // A peer closed while being sampled: its series simply ends.
      }
    }
  }

  summary(item: Sampleable, kind: MediaKind, id: string, codec: string): StreamSummary | null {
    const samples = this.series.get(item)?.[kind]
    if (!samples || samples.length === 0) return null
    return summarizeStream({id, kind, direction: 'inbound', codec, ssrc: null}, samples)
  }
}
