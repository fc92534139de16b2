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
//       "managed": false,             only on a node known through the fleet's Redis alone
//                                     (not in fleet.yaml): always "unreachable" from here
//       "state": "up" | "draining" | "unreachable",
//       "lastSeen": ISO 8601 | null,  last answer from this node (null: never answered)
//       "problem": string | null,     why it is unreachable, one sentence
//       "info": NodeInfo | null,      GET /v1/node (null when unreachable)
//       "totals": NodeTotals | null,  figures summed over its rooms (null when unreachable)
//       "rooms": [RoomSnapshot]       [] when unreachable: nothing stale is shown as live
//     }]
//   }
//   NodeTotals = {rooms, people, participants, publishers, subscribers, bitrateInBps,
//                 bitrateOutBps, packetsPerSecond (null on the first tick), cpuPercent,
//                 worstLossPercent (0..100 | null)}
//   RoomSnapshot = the room's entry in the node's GET /v1/rooms answer (RoomSummary: name,
//                 createdAt, people, participants (sessions), publishers, subscribers,
//                 bitrates, worstJitterMs, worstLossPercent, worstRttMs, worstMos, packets;
//                 figures a node older than a field did not send are derived from the
//                 participants when known, else null), plus, for a room fetched in detail,
//                 its GET /v1/rooms/{room} answer
//                 (RoomDetail: the same fields as of that request and "participantsList"), each
//                 participant's "remoteIp" left out unless --show-ip is given.
//                 `--once --json` fetches every room in detail, so there every room has
//                 "participantsList"; the live dashboard fetches only the room it shows.
import type {NodeInfo, ParticipantInfo, RoomDetail, RoomSummary, StreamStats} from '../api/node-api.js'
import {roomStats} from '../api/room-stats.js'

/** 2: one name per figure (the room's "worst" object and the totals' "worstLoss" fraction of
 *  version 1 are gone: worstJitterMs, worstLossPercent, worstRttMs, worstMos), and "people". */
export const SNAPSHOT_VERSION = 2

export type SnapshotNodeState = 'up' | 'draining' | 'unreachable'

/** A participant as the snapshot keeps it: the IP address only when asked for (--show-ip). */
export type SnapshotParticipant = Omit<ParticipantInfo, 'remoteIp'> & {remoteIp?: string}

export interface RoomSnapshot extends RoomSummary {
  /** Only for a room fetched in detail (GET /v1/rooms/{room}): the one the dashboard shows,
   *  or every room for `--once --json`. */
  participantsList?: SnapshotParticipant[]
}

export interface NodeTotals {
  rooms: number
  /** Distinct identities over the node's rooms (one person publishing and subscribing to two
   *  others is one person in three sessions). */
  people: number
  participants: number
  publishers: number
  subscribers: number
  bitrateInBps: number
  bitrateOutBps: number
  /** Packets per second over all streams (received + sent), from the previous tick's counters. */
  packetsPerSecond: number | null
  cpuPercent: number
  /** Worst loss of any stream on the node over the last interval, percent (0..100). */
  worstLossPercent: number | null
}

export interface NodeSnapshot {
  name: string
  /** Only on a node the fleet's Redis lists but fleet.yaml does not: this machine cannot ask it. */
  managed?: false
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
/** Fills the worst-figure and people fields a node older than them did not send, from the
 *  participants when the room was fetched in detail (null otherwise). */
function fillMissingFigures(r: RoomSnapshot): void {
  const fields = ['worstJitterMs', 'worstLossPercent', 'worstRttMs', 'worstMos'] as const
  if (fields.every((f) => r[f] !== undefined) && r.people !== undefined) return
  const derived = roomStats(r.participantsList ?? [])
  for (const f of fields) if (r[f] === undefined) r[f] = r.participantsList ? derived[f] : null
  r.people ??= r.participantsList ? new Set(r.participantsList.map((p) => p.identity)).size : r.participants
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
  fillMissingFigures(r)
  return r
}

export function nodeTotals(
  info: NodeInfo,
  rooms: readonly RoomSnapshot[],
  packetsPerSecond: number | null,
): NodeTotals {
  let bitrateInBps = 0
  let bitrateOutBps = 0
  let people = 0
  let participants = 0
  let publishers = 0
  let subscribers = 0
  let worstLossPercent: number | null = null
  for (const r of rooms) {
    bitrateInBps += r.bitrateInBps
    bitrateOutBps += r.bitrateOutBps
    people += r.people
    participants += r.participants
    publishers += r.publishers
    subscribers += r.subscribers
    worstLossPercent = maxOf(worstLossPercent, r.worstLossPercent)
  }
  return {
    rooms: rooms.length,
    people,
    participants,
    publishers,
    subscribers,
    bitrateInBps,
    bitrateOutBps,
    packetsPerSecond,
    cpuPercent: info.load.cpuPercent,
    worstLossPercent,
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
