// Builds one FleetSnapshot per tick from all nodes at once: every node is asked concurrently
// (Promise.allSettled) with a deadline of its own, so one node that stops answering turns
// "unreachable" in that tick while the others keep updating; the snapshot is published only
// when every node has answered or timed out, so what the dashboard shows is one moment, never
// two ticks mixed.
//
// Each tick asks every node for its rooms (GET /v1/rooms: counts, bitrates, worst quality
// figures, packet counters) and asks for the full detail of a room (GET /v1/rooms/{room}:
// every participant's every stream) only for the room the dashboard shows, set with focus()
// (or for every room with `details: 'all'`, for a one-off snapshot). Between ticks it keeps
// the rooms' packet counters (for packets per second) and, per stream of the focused room,
// the bitrate samples of the last 60 s (for the sparklines; they start when a room is
// focused).
import {parseDurationMs} from '../units.js'
import type {RoomDetail} from '../api/node-api.js'
import {
  answeredState,
  nodeTotals,
  SNAPSHOT_VERSION,
  streamKey,
  toRoomSnapshot,
  type FleetSnapshot,
  type NodeAnswer,
  type NodeSnapshot,
  type RoomSnapshot,
} from './snapshot.js'

export const DEFAULT_INTERVAL_MS = 1000
export const DEFAULT_NODE_TIMEOUT_MS = 2000
export const HISTORY_WINDOW_MS = 60_000

/** Which rooms of a node to fetch in detail: all of them, or the ones named. */
export type DetailRequest = 'all' | readonly string[]

/** One node to poll: `fetch` gets everything the snapshot needs from it, within `timeoutMs`:
 *  its NodeInfo, its rooms, and the detail of the rooms `details` asks for (only those). */
export interface PollTarget {
  name: string
  fetch(timeoutMs: number, details: DetailRequest): Promise<NodeAnswer>
  /** false: a node known only through the fleet's Redis, which this machine cannot ask (its
   *  fetch always fails, saying so); shown as such, and not counted as a node gone missing. */
  managed?: false
}

/** A room the dashboard shows in detail. */
export interface FocusedRoom {
  node: string
  room: string
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

/** Calls `fire` after `ms`; returns what cancels that. The poller waits between ticks through
 *  one of these so a test can hand out the intervals itself instead of sleeping through them. */
export type Scheduler = (fire: () => void, ms: number) => () => void

export const timerScheduler: Scheduler = (fire, ms) => {
  const timer = setTimeout(fire, ms)
  return () => clearTimeout(timer)
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
  /** Rooms to fetch in detail at each tick: only the focused one (default; see focus()), or
   *  every room (a one-off snapshot such as `top --once --json`). */
  details?: 'focused' | 'all'
  now?: () => number
  /** How start() waits between ticks (default: setTimeout). */
  schedule?: Scheduler
}

interface NodeMemory {
  lastSeen: number | null
  /** Packet counter of each room (by roomKey) in the node's last answer, if the last tick
   *  reached it. */
  packets: Map<string, number> | null
  packetsAt: number
}

const roomKey = (room: {name: string; createdAt: string}) => `${room.name}\u0000${room.createdAt}`

export class SnapshotPoller {
  readonly intervalMs: number
  readonly timeoutMs: number
  private readonly keepRemoteIp: boolean
  private readonly allDetails: boolean
  private focused: FocusedRoom | null = null
  /** focus() changed while a tick ran or the loop slept: tick again at once. */
  private refocused = false
  private readonly windowMs: number
  private readonly now: () => number
  private readonly memory = new Map<string, NodeMemory>()
  private history: StreamHistory
  private lastTargets: PollTarget[] = []
  private listeners = new Set<(tick: SnapshotTick) => void>()
  private current: SnapshotTick | undefined
  private running = false
  private readonly schedule: Scheduler
  private cancelWait: (() => void) | undefined
  private wake: (() => void) | undefined
  private loopDone: Promise<void> | undefined

  constructor(private readonly opts: SnapshotPollerOptions) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS
    this.keepRemoteIp = opts.keepRemoteIp ?? false
    this.allDetails = opts.details === 'all'
    this.windowMs = opts.historyWindowMs ?? HISTORY_WINDOW_MS
    this.now = opts.now ?? Date.now
    this.schedule = opts.schedule ?? timerScheduler
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

  /** The room the dashboard shows in detail (room or participant view), or null: from the
   *  next tick on, that room's detail is fetched (and its streams' history kept), no other.
   *  A change wakes the polling loop, so the room's participants show without waiting for
   *  the interval. */
  focus(room: FocusedRoom | null): void {
    const same =
      room === null ? this.focused === null : this.focused?.node === room.node && this.focused.room === room.room
    if (same) return
    this.focused = room && {node: room.node, room: room.room}
    this.refocused = true
    this.wake?.()
  }

  /** What to fetch in detail from a node this tick. */
  private detailsFor(node: string): DetailRequest {
    if (this.allDetails) return 'all'
    return this.focused?.node === node ? [this.focused.room] : []
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
    this.refocused = false
    const settled = await Promise.allSettled(
      targets.map(async (t) => {
        const answer = await withDeadline(t.fetch(this.timeoutMs, this.detailsFor(t.name)), this.timeoutMs)
        return {answer, at: this.now()}
      }),
    )
    const time = this.now()
    const series = new Map<string, StreamSeries>()
    const nodes: NodeSnapshot[] = targets.map((t, i) => {
      const mem = this.memory.get(t.name) ?? {lastSeen: null, packets: null, packetsAt: 0}
      this.memory.set(t.name, mem)
      const r = settled[i]
      if (r.status === 'rejected') {
        mem.packets = null
        return {
          name: t.name,
          ...(t.managed === false ? {managed: false as const} : {}),
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
      const details = new Map<string, RoomDetail>()
      for (const d of answer.details ?? []) details.set(d.name, d)
      const rooms = answer.rooms.map((room) => toRoomSnapshot(room, details.get(room.name), this.keepRemoteIp))
      const pps = packetRate(mem, rooms, at)
      this.recordStreams(t.name, rooms, at, series)
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

  /** Appends this tick's sample of every stream of the node's rooms fetched in detail to `out`. */
  private recordStreams(node: string, rooms: NodeSnapshot['rooms'], at: number, out: Map<string, StreamSeries>): void {
    const cutoff = at - this.windowMs
    for (const room of rooms) {
      if (!room.participantsList) continue
      for (const p of room.participantsList) {
        for (const s of p.streams) {
          const key = streamKey(node, room.name, p.id, s)
          const prev = this.history.get(key)
          let t: number[]
          let v: number[]
          let from = 0
          if (prev && prev.to > prev.from) {
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
          out.set(key, {t, v, from, to: t.length})
        }
      }
    }
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
        if (this.refocused) continue // the focus moved during the tick: fetch the new room now
        const wait = Math.max(0, this.intervalMs - (this.now() - started))
        await new Promise<void>((resolve) => {
          this.wake = () => {
            this.cancelWait?.()
            this.cancelWait = undefined
            this.wake = undefined
            resolve()
          }
          this.cancelWait = this.schedule(this.wake, wait)
        })
      }
    })()
  }

  async stop(): Promise<void> {
    this.running = false
    this.wake?.()
    await this.loopDone
  }
}

/** A node's packets per second from its rooms' packet counters in this answer and the last
 *  one (null when the last tick did not reach the node). Rooms that are new, or whose counter
 *  went down (someone left, taking their streams' counts along), count nothing this time.
 *  Remembers this answer's counters for the next tick. */
function packetRate(mem: NodeMemory, rooms: readonly RoomSnapshot[], at: number): number | null {
  const prev = mem.packets
  const dt = at - mem.packetsAt
  const next = new Map<string, number>()
  let rate: number | null = prev && dt > 0 ? 0 : null
  for (const room of rooms) {
    if (typeof room.packets !== 'number') continue // a node without the aggregates
    const key = roomKey(room)
    next.set(key, room.packets)
    const before = prev?.get(key)
    if (rate !== null && before !== undefined && room.packets >= before) rate += ((room.packets - before) * 1000) / dt
  }
  mem.packets = next
  mem.packetsAt = at
  return rate
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

/** How often `top` may poll: faster floods the nodes, slower is no longer a live view. */
export const POLL_INTERVAL_BOUNDS = {minMs: 100, maxMs: 3_600_000}

/** "500ms", "1s", "1.5s", "2m" or a bare number of seconds -> milliseconds, from 100 ms to 1 h (src/units.ts). */
export function parseIntervalMs(value: string, what: string): number {
  return parseDurationMs(value, what, POLL_INTERVAL_BOUNDS)
}
