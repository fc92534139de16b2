// Builds one FleetSnapshot per tick from all nodes at once: every node is asked concurrently
// (Promise.allSettled) with a deadline of its own, so one node that stops answering turns
// "unreachable" in that tick while the others keep updating; the snapshot is published only
// when every node has answered or timed out, so what the dashboard shows is one moment, never
// two ticks mixed. Between ticks it keeps, per stream, the bitrate samples of the last 60 s
// (for the sparklines) and the packet counters (for packets per second).
import {BadInputError} from '../errors.js'
import {
  answeredState,
  nodeTotals,
  SNAPSHOT_VERSION,
  streamKey,
  toRoomSnapshot,
  type FleetSnapshot,
  type NodeAnswer,
  type NodeSnapshot,
} from './snapshot.js'

export const DEFAULT_INTERVAL_MS = 1000
export const DEFAULT_NODE_TIMEOUT_MS = 2000
export const HISTORY_WINDOW_MS = 60_000

/** One node to poll: `fetch` gets everything the snapshot needs from it, within `timeoutMs`. */
export interface PollTarget {
  name: string
  fetch(timeoutMs: number): Promise<NodeAnswer>
}

/** Bitrate samples of one stream, oldest first, times in ms since the epoch: the samples
 *  t[from..to) and v[from..to). The arrays are shared between ticks and only ever appended
 *  to past `to`, so a series, once published, never changes: a paused screen keeps its
 *  history, and no tick copies 60 samples of every stream. */
export interface StreamSeries {
  readonly t: readonly number[]
  readonly v: readonly number[]
  readonly from: number
  readonly to: number
  /** The stream's packet counter at the last sample. */
  readonly packets: number
}

/** The per-stream history as of one tick. Keys: streamKey() from snapshot.ts. */
export class StreamHistory {
  constructor(
    private readonly series: ReadonlyMap<string, StreamSeries>,
    readonly windowMs: number,
  ) {}

  get(key: string): StreamSeries | undefined {
    return this.series.get(key)
  }

  get size(): number {
    return this.series.size
  }

  static empty(windowMs = HISTORY_WINDOW_MS): StreamHistory {
    return new StreamHistory(new Map(), windowMs)
  }
}

/** What the poller publishes each tick. */
export interface SnapshotTick {
  snapshot: FleetSnapshot
  history: StreamHistory
}

export interface SnapshotPollerOptions {
  /** The nodes to poll, asked again at every tick (so fleet.yaml edits show up). */
  targets: () => PollTarget[] | Promise<PollTarget[]>
  intervalMs?: number
  /** Deadline for one node's whole answer in one tick. */
  timeoutMs?: number
  /** Keep participants' IP addresses in the snapshot (`--show-ip`); dropped otherwise. */
  keepRemoteIp?: boolean
  historyWindowMs?: number
  now?: () => number
}

interface NodeMemory {
  lastSeen: number | null
}

export class SnapshotPoller {
  readonly intervalMs: number
  readonly timeoutMs: number
  private readonly keepRemoteIp: boolean
  private readonly windowMs: number
  private readonly now: () => number
  private readonly memory = new Map<string, NodeMemory>()
  private history: StreamHistory
  private lastTargets: PollTarget[] = []
  private listeners = new Set<(tick: SnapshotTick) => void>()
  private current: SnapshotTick | undefined
  private running = false
  private timer: NodeJS.Timeout | undefined
  private wake: (() => void) | undefined
  private loopDone: Promise<void> | undefined

  constructor(private readonly opts: SnapshotPollerOptions) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS
    this.keepRemoteIp = opts.keepRemoteIp ?? false
    this.windowMs = opts.historyWindowMs ?? HISTORY_WINDOW_MS
    this.now = opts.now ?? Date.now
    this.history = StreamHistory.empty(this.windowMs)
  }

  /** The last tick published, if any. */
  latest(): SnapshotTick | undefined {
    return this.current
  }

  subscribe(listener: (tick: SnapshotTick) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Polls every node once and returns the snapshot (also published to subscribers). Never
   *  throws for a node: a failure is that node's "unreachable" state. */
  async tick(): Promise<SnapshotTick> {
    let targets: PollTarget[]
    try {
      targets = await this.opts.targets()
      this.lastTargets = targets
    } catch {
      targets = this.lastTargets // e.g. fleet.yaml caught mid-edit: keep the last good list
    }
    const settled = await Promise.allSettled(
      targets.map(async (t) => {
        const answer = await withDeadline(t.fetch(this.timeoutMs), this.timeoutMs)
        return {answer, at: this.now()}
      }),
    )
    const time = this.now()
    const series = new Map<string, StreamSeries>()
    const nodes: NodeSnapshot[] = targets.map((t, i) => {
      const mem = this.memory.get(t.name) ?? {lastSeen: null}
      this.memory.set(t.name, mem)
      const r = settled[i]
      if (r.status === 'rejected') {
        return {
          name: t.name,
          state: 'unreachable',
          lastSeen: mem.lastSeen === null ? null : new Date(mem.lastSeen).toISOString(),
          problem: problemOf(r.reason),
          info: null,
          totals: null,
          rooms: [],
        }
      }
      const {answer, at} = r.value
      mem.lastSeen = at
      const rooms = answer.rooms.map((room) => toRoomSnapshot(room, this.keepRemoteIp))
      const pps = this.recordStreams(t.name, rooms, at, series)
      return {
        name: t.name,
        state: answeredState(answer.info),
        lastSeen: new Date(at).toISOString(),
        problem: null,
        info: answer.info,
        totals: nodeTotals(answer.info, rooms, pps),
        rooms,
      }
    })
    this.history = new StreamHistory(series, this.windowMs)
    const tick: SnapshotTick = {
      snapshot: {version: SNAPSHOT_VERSION, time: new Date(time).toISOString(), intervalMs: this.intervalMs, nodes},
      history: this.history,
    }
    this.current = tick
    for (const l of this.listeners) l(tick)
    return tick
  }

  /** Appends this tick's sample of every stream of a node to `out`; returns the node's
   *  packets per second (null when no stream was seen in the previous tick). */
  private recordStreams(node: string, rooms: NodeSnapshot['rooms'], at: number, out: Map<string, StreamSeries>): number | null {
    const cutoff = at - this.windowMs
    let rate = 0
    let rated = false
    for (const room of rooms) {
      for (const p of room.participantsList) {
        for (const s of p.streams) {
          const key = streamKey(node, room.name, p.id, s)
          const prev = this.history.get(key)
          let t: number[]
          let v: number[]
          let from = 0
          if (prev && prev.to > prev.from) {
            const lastT = prev.t[prev.to - 1]
            if (at > lastT && s.packets >= prev.packets) {
              rate += ((s.packets - prev.packets) * 1000) / (at - lastT)
              rated = true
            }
            from = prev.from
            while (from < prev.to && prev.t[from] <= cutoff) from++
            t = prev.t as number[]
            v = prev.v as number[]
            // Append in place unless someone already did (a duplicate stream id in this tick), and
            // start new arrays once the dead prefix grows: old series keep the old arrays.
            if (t.length !== prev.to || from > 64) {
              t = t.slice(from, prev.to)
              v = v.slice(from, prev.to)
              from = 0
            }
          } else {
            t = []
            v = []
          }
          t.push(at)
          v.push(s.bitrateBps)
          out.set(key, {t, v, from, to: t.length, packets: s.packets})
        }
      }
    }
    return rated ? rate : null
  }

  /** Polls every `intervalMs` (measured from the start of a tick; a slow tick is followed
   *  at once by the next) until stop(). */
  start(): void {
    if (this.running) return
    this.running = true
    this.loopDone = (async () => {
      while (this.running) {
        const started = this.now()
        await this.tick()
        if (!this.running) break
        const wait = Math.max(0, this.intervalMs - (this.now() - started))
        await new Promise<void>((resolve) => {
          this.wake = resolve
          this.timer = setTimeout(resolve, wait)
        })
      }
    })()
  }

  async stop(): Promise<void> {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    this.wake?.()
    await this.loopDone
  }
}

function problemOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  return msg || 'no answer'
}

class DeadlineError extends Error {}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${formatMs(ms)}.`)), ms)
  })
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer))
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

// ---- flag values -----------------------------------------------------------------------------

/** "500ms", "1s", "1.5s", "2m" or a bare number of seconds -> milliseconds, from 100 ms to 1 h. */
export function parseIntervalMs(value: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(value)
  const unit = (m?.[2] ?? 's').toLowerCase()
  const ms = m ? Math.round(Number(m[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000)) : Number.NaN
  if (!Number.isFinite(ms) || ms < 100 || ms > 3_600_000) {
    throw new BadInputError(`${what} must be a duration from 100ms to 1h like 500ms, 1s or 2s, got '${value}'.`)
  }
  return ms
}
