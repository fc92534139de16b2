// The FleetSnapshot: the state of every node confctl polls, taken at one moment, as the
// dashboard (`confctl top`) renders it and `confctl top --once --json` prints it. One
// snapshot is built per poll tick from all nodes' answers (src/fleet/snapshot-poller.ts);
// everything the dashboard shows comes from one snapshot, never from two ticks mixed.
//
// This module is pure: types, the figures derived from a node's answers, and helpers the
// renderers share. No I/O.
//
// JSON contract (`confctl top --once --json`):
//
//   {
//     "version": 1,
//     "time": ISO 8601,               when the tick finished (all nodes answered or timed out)
//     "intervalMs": number,           poll interval
//     "nodes": [{
//       "name": string,
//       "state": "up" | "draining" | "unreachable",
//       "lastSeen": ISO 8601 | null,  last answer from this node (null: never answered)
//       "problem": string | null,     why it is unreachable, one sentence
//       "info": NodeInfo | null,      GET /v1/node (null when unreachable)
//       "totals": NodeTotals | null,  figures summed over its rooms (null when unreachable)
//       "rooms": [RoomSnapshot]       [] when unreachable: nothing stale is shown as live
//     }]
//   }
//   NodeTotals = {rooms, participants, publishers, subscribers, bitrateInBps, bitrateOutBps,
//                 packetsPerSecond (null on the first tick), cpuPercent, worstLoss (0..1 | null)}
//   RoomSnapshot = the room's entry in the node's GET /v1/rooms answer (RoomSummary: name,
//                 createdAt, counts, bitrates, worstJitterMs, worstLossPercent, worstRttMs,
//                 worstMos, packets), plus
//                 "worst": {jitterMs, loss (0..1), rttMs, mos} (null: no stream carries the
//                 figure), plus, for a room fetched in detail, its GET /v1/rooms/{room} answer
//                 (RoomDetail: the same fields as of that request and "participantsList"), each
//                 participant's "remoteIp" left out unless --show-ip is given.
//                 `--once --json` fetches every room in detail, so there every room has
//                 "participantsList"; the live dashboard fetches only the room it shows.
import type {NodeInfo, ParticipantInfo, RoomDetail, RoomSummary, StreamStats} from '../api/node-api.js'

export const SNAPSHOT_VERSION = 1

export type SnapshotNodeState = 'up' | 'draining' | 'unreachable'

/** A participant as the snapshot keeps it: the IP address only when asked for (--show-ip). */
export type SnapshotParticipant = Omit<ParticipantInfo, 'remoteIp'> & {remoteIp?: string}

export interface RoomWorst {
  jitterMs: number | null
  /** Worst fraction lost over the last interval, 0..1. */
  loss: number | null
  rttMs: number | null
  /** Lowest MOS. */
  mos: number | null
}

export interface RoomSnapshot extends RoomSummary {
  /** Only for a room fetched in detail (GET /v1/rooms/{room}): the one the dashboard shows,
   *  or every room for `--once --json`. */
  participantsList?: SnapshotParticipant[]
  worst: RoomWorst
}

export interface NodeTotals {
  rooms: number
  participants: number
  publishers: number
  subscribers: number
  bitrateInBps: number
  bitrateOutBps: number
  /** Packets per second over all streams (received + sent), from the previous tick's counters. */
  packetsPerSecond: number | null
  cpuPercent: number
  /** Worst fraction lost of any stream on the node, 0..1. */
  worstLoss: number | null
}

export interface NodeSnapshot {
  name: string
  state: SnapshotNodeState
  lastSeen: string | null
  problem: string | null
  info: NodeInfo | null
  totals: NodeTotals | null
  rooms: RoomSnapshot[]
}

export interface FleetSnapshot {
  version: typeof SNAPSHOT_VERSION
  time: string
  intervalMs: number
  nodes: NodeSnapshot[]
}

/** What one node answered in one tick: its NodeInfo, its rooms (GET /v1/rooms), and the
 *  detail of the rooms that were asked for (a room closed meanwhile is missing). */
export interface NodeAnswer {
  info: NodeInfo
  rooms: RoomSummary[]
  details?: RoomDetail[]
}

// ---- derived figures -----------------------------------------------------------------------

const maxOf = (a: number | null, b: number | null | undefined): number | null =>
  b === null || b === undefined || Number.isNaN(b) ? a : a === null ? b : Math.max(a, b)
const minOf = (a: number | null, b: number | null | undefined): number | null =>
  b === null || b === undefined || Number.isNaN(b) ? a : a === null ? b : Math.min(a, b)

/** Worst jitter, loss, RTT and MOS over a room's streams. */
export function roomWorst(participants: readonly {streams: readonly StreamStats[]}[]): RoomWorst {
  let jitterMs: number | null = null
  let loss: number | null = null
  let rttMs: number | null = null
  let mos: number | null = null
  for (const p of participants) {
    for (const s of p.streams) {
      jitterMs = maxOf(jitterMs, s.jitterMs)
      loss = maxOf(loss, s.fractionLost)
      rttMs = maxOf(rttMs, s.rttMs)
      mos = minOf(mos, s.mos)
    }
  }
  return {jitterMs, loss, rttMs, mos}
}

/** Worst figures from the aggregates of a room's summary; null when the node sent none. */
export function summaryWorst(room: Partial<RoomSummary>): RoomWorst | null {
  if (room.worstLossPercent === undefined && room.worstJitterMs === undefined && room.worstMos === undefined)
    return null
  const pct = room.worstLossPercent
  return {
    jitterMs: room.worstJitterMs ?? null,
    // Percent (rounded to 0.01 by the node) back to a fraction without binary noise.
    loss: pct === null || pct === undefined ? null : Math.round(pct * 100) / 10_000,
    rttMs: room.worstRttMs ?? null,
    mos: room.worstMos ?? null,
  }
}

/** The room as the snapshot keeps it: its summary, or its detail when it was fetched in
 *  detail; IP addresses dropped unless kept; worst figures added. Takes the answer over
 *  (changes it in place: it is the poller's own, freshly decoded). */
export function toRoomSnapshot(
  summary: RoomSummary,
  detail: RoomDetail | undefined,
  keepRemoteIp: boolean,
): RoomSnapshot {
  const r = (detail ?? summary) as RoomSnapshot
  if (detail) {
    r.participantsList ??= []
    if (!keepRemoteIp) for (const p of r.participantsList) p.remoteIp = undefined // JSON leaves it out
  } else if (r.participantsList !== undefined) {
    delete r.participantsList // only rooms asked for in detail carry participants
  }
  r.worst = summaryWorst(r) ?? roomWorst(r.participantsList ?? [])
  return r
}

export function nodeTotals(
  info: NodeInfo,
  rooms: readonly RoomSnapshot[],
  packetsPerSecond: number | null,
): NodeTotals {
  let bitrateInBps = 0
  let bitrateOutBps = 0
  let participants = 0
  let publishers = 0
  let subscribers = 0
  let worstLoss: number | null = null
  for (const r of rooms) {
    bitrateInBps += r.bitrateInBps
    bitrateOutBps += r.bitrateOutBps
    participants += r.participants
    publishers += r.publishers
    subscribers += r.subscribers
    worstLoss = maxOf(worstLoss, r.worst.loss)
  }
  return {
    rooms: rooms.length,
    participants,
    publishers,
    subscribers,
    bitrateInBps,
    bitrateOutBps,
    packetsPerSecond,
    cpuPercent: info.load.cpuPercent,
    worstLoss,
  }
}

/** The node's state from its NodeInfo. */
export function answeredState(info: NodeInfo): SnapshotNodeState {
  return info.draining ? 'draining' : 'up'
}

// ---- keys ------------------------------------------------------------------------------------

/** Identifies one stream across ticks (for its history): node, room, session, stream, direction. */
export function streamKey(
  node: string,
  room: string,
  participantId: string,
  stream: Pick<StreamStats, 'id' | 'direction'>,
): string {
  return `${node}\u0000${room}\u0000${participantId}\u0000${stream.id}\u0000${stream.direction}`
}

export function findRoom(snapshot: FleetSnapshot, node: string, room: string): RoomSnapshot | undefined {
  return snapshot.nodes.find((n) => n.name === node)?.rooms.find((r) => r.name === room)
}

/** Whole seconds from `iso` to the snapshot's time (never negative). */
export function secondsSince(snapshot: Pick<FleetSnapshot, 'time'>, iso: string): number {
  return Math.max(0, Math.floor((Date.parse(snapshot.time) - Date.parse(iso)) / 1000))
}
