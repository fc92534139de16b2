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
//   RoomSnapshot = the node's GET /v1/rooms/{room} answer (RoomDetail), except that each
//                 participant's "remoteIp" is left out unless --show-ip is given, plus
//                 "worst": {jitterMs, loss (0..1), rttMs, mos} over its streams (null: no stream
//                 carries the figure).
import type {NodeInfo, ParticipantInfo, RoomDetail, StreamStats} from '../sfu/api-types.js'

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

export interface RoomSnapshot extends Omit<RoomDetail, 'participantsList'> {
  participantsList: SnapshotParticipant[]
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

/** What one node answered in one tick: its NodeInfo and the detail of each of its rooms. */
export interface NodeAnswer {
  info: NodeInfo
  rooms: RoomDetail[]
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

/** The room as the snapshot keeps it: IP addresses dropped unless kept, worst figures added.
 *  Takes the answer over (changes it in place: it is the poller's own, freshly decoded). */
export function toRoomSnapshot(room: RoomDetail, keepRemoteIp: boolean): RoomSnapshot {
  const r = room as unknown as RoomSnapshot
  r.participantsList ??= []
  if (!keepRemoteIp) for (const p of r.participantsList) p.remoteIp = undefined // JSON leaves it out
  r.worst = roomWorst(r.participantsList)
  return r
}

/** Sum of the packet counters of every stream on a node (for packets per second). */
export function packetCounter(rooms: readonly RoomSnapshot[]): number {
  let n = 0
  for (const r of rooms) for (const p of r.participantsList) for (const s of p.streams) n += s.packets
  return n
}

export function nodeTotals(info: NodeInfo, rooms: readonly RoomSnapshot[], packetsPerSecond: number | null): NodeTotals {
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
export function streamKey(node: string, room: string, participantId: string, stream: Pick<StreamStats, 'id' | 'direction'>): string {
  return `${node}\u0000${room}\u0000${participantId}\u0000${stream.id}\u0000${stream.direction}`
}

export function findRoom(snapshot: FleetSnapshot, node: string, room: string): RoomSnapshot | undefined {
  return snapshot.nodes.find((n) => n.name === node)?.rooms.find((r) => r.name === room)
}

/** Whole seconds from `iso` to the snapshot's time (never negative). */
export function secondsSince(snapshot: Pick<FleetSnapshot, 'time'>, iso: string): number {
  return Math.max(0, Math.floor((Date.parse(snapshot.time) - Date.parse(iso)) / 1000))
}
