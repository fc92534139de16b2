// test-kind: unit
// The figures a FleetSnapshot derives from nodes' answers (src/fleet/snapshot.ts): rooms kept
// as summary or detail, IP addresses dropped unless asked for, worst figures filled in for
// nodes older than those fields, node totals, and the helpers renderers share.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {
  answeredState,
  findRoom,
  nodeTotals,
  secondsSince,
  streamKey,
  toRoomSnapshot,
  type FleetSnapshot,
  type RoomSnapshot,
} from '../../src/fleet/snapshot.js'
import type {NodeInfo, ParticipantInfo, RoomDetail, RoomSummary, StreamStats} from '../../src/api/node-api.js'

const summary = (over: Partial<RoomSummary> = {}): RoomSummary => ({
  name: 'standup',
  createdAt: '2026-11-30T07:00:00.000Z',
  people: 2,
  participants: 3,
  publishers: 1,
  subscribers: 2,
  bitrateInBps: 1000,
  bitrateOutBps: 2000,
  worstJitterMs: 5,
  worstLossPercent: 1.5,
  worstRttMs: 40,
  worstMos: 4.1,
  packets: 100,
  ...over,
})
const stream = (over: Partial<StreamStats>): StreamStats =>
  ({
    id: 'p:audio',
    kind: 'audio',
    codec: 'opus',
    direction: 'uplink',
    ssrc: 1,
    packets: 10,
    bytes: 1000,
    bitrateBps: 32000,
    packetsLost: 0,
    fractionLost: 0,
    jitterMs: null,
    rttMs: null,
    nackCount: 0,
    pliCount: 0,
    mos: null,
    ...over,
  }) as StreamStats
const participant = (id: string, identity: string, streams: StreamStats[]): ParticipantInfo => ({
  id,
  identity,
  name: identity,
  role: 'publisher',
  joinedAt: '2026-11-30T07:00:00.000Z',
  remoteIp: '192.0.2.7',
  userAgent: 'test',
  state: 'connected',
  streams,
})
const info = (over: Partial<NodeInfo> = {}): NodeInfo => ({
  id: 'n1',
  name: 'edge1',
  version: '0.1.0',
  startedAt: '2026-11-30T07:00:00.000Z',
  uptimeSeconds: 60,
  draining: false,
  publicUrl: 'http://127.0.0.1:1',
  load: {cpuPercent: 12, rssBytes: 1, loadavg: [0, 0, 0]},
  counts: {rooms: 0, participants: 0, publishers: 0, subscribers: 0},
  ...over,
})

test('a summary stays a summary: participants a summary carried are dropped', () => {
  const s = {...summary(), participantsList: []} as RoomSnapshot
  const r = toRoomSnapshot(s, undefined, true)
  assert.is(r.participantsList, undefined)
  assert.is(r.worstMos, 4.1)
})

test('a detail keeps its participants; their IP addresses only with keepRemoteIp', () => {
  const detail = (): RoomDetail => ({...summary(), participantsList: [participant('s1', 'alice', [])]})
  const hidden = toRoomSnapshot(summary(), detail(), false)
  assert.is(hidden.participantsList![0]!.remoteIp, undefined)
  assert.not.ok(JSON.stringify(hidden).includes('192.0.2.7'), 'no address in the JSON at all')
  const shown = toRoomSnapshot(summary(), detail(), true)
  assert.is(shown.participantsList![0]!.remoteIp, '192.0.2.7')
})

test('a node older than the worst-figure fields: derived from the participants of a detail', () => {
  const old = summary() as Partial<RoomSummary>
  delete old.worstJitterMs
  delete old.worstLossPercent
  delete old.worstRttMs
  delete old.worstMos
  delete old.people
  const detail = {
    ...old,
    participantsList: [
      participant('s1', 'alice', [stream({jitterMs: 3, fractionLost: 0.012, mos: 4.2})]),
      participant('s2', 'bob', [stream({jitterMs: 9, fractionLost: 0.004, rttMs: 80, mos: 3.9})]),
      participant('s3', 'alice', []),
    ],
  } as RoomDetail
  const r = toRoomSnapshot(old as RoomSummary, detail, false)
  // Highest jitter, loss (0.012 -> 1.2 %), RTT; lowest MOS; two identities in three sessions.
  assert.equal([r.worstJitterMs, r.worstLossPercent, r.worstRttMs, r.worstMos, r.people], [9, 1.2, 80, 3.9, 2])
})

test('a node older than those fields, summary only: figures unknown (null), people = sessions', () => {
  const old = summary() as Partial<RoomSummary>
  delete old.worstMos
  delete old.people
  const r = toRoomSnapshot(old as RoomSummary, undefined, false)
  assert.is(r.worstMos, null)
  assert.is(r.people, 3)
  assert.is(r.worstJitterMs, 5, 'fields the node did send are kept')
})

test('nodeTotals sums the rooms and keeps the worst loss; no rooms: zeros and null loss', () => {
  const rooms = [
    summary({worstLossPercent: 1.5}),
    summary({name: 'b', people: 1, participants: 1, publishers: 1, subscribers: 0, worstLossPercent: null}),
    summary({name: 'c', worstLossPercent: 4}),
  ] as RoomSnapshot[]
  assert.equal(nodeTotals(info(), rooms, 250), {
    rooms: 3,
    people: 5,
    participants: 7,
    publishers: 3,
    subscribers: 4,
    bitrateInBps: 3000,
    bitrateOutBps: 6000,
    packetsPerSecond: 250,
    cpuPercent: 12,
    worstLossPercent: 4,
  })
  const empty = nodeTotals(info(), [], null)
  assert.is(empty.worstLossPercent, null)
  assert.is(empty.rooms, 0)
  assert.is(empty.packetsPerSecond, null)
})

test('answeredState, secondsSince, findRoom and streamKey', () => {
  assert.is(answeredState(info()), 'up')
  assert.is(answeredState(info({draining: true})), 'draining')
  const snap = {time: '2026-11-30T07:01:05.900Z'}
  assert.is(secondsSince(snap, '2026-11-30T07:00:00.000Z'), 65, 'whole seconds, rounded down')
  assert.is(secondsSince(snap, '2026-11-30T07:02:00.000Z'), 0, 'never negative (clock skew)')
  const fleet = {
    version: 2,
    time: snap.time,
    intervalMs: 1000,
    nodes: [{name: 'edge1', state: 'up', lastSeen: null, problem: null, info: null, totals: null, rooms: [summary()]}],
  } as FleetSnapshot
  assert.is(findRoom(fleet, 'edge1', 'standup')?.name, 'standup')
  assert.is(findRoom(fleet, 'edge2', 'standup'), undefined)
  assert.is(findRoom(fleet, 'edge1', 'other'), undefined)
  // Names cannot run into one another: 'a b' + 'c' differs from 'a' + 'b c'.
  const s = {id: 'x', direction: 'uplink'} as const
  assert.is.not(streamKey('a b', 'c', 'p', s), streamKey('a', 'b c', 'p', s))
  assert.is.not(streamKey('n', 'r', 'p', s), streamKey('n', 'r', 'p', {id: 'x', direction: 'downlink'}))
})

test.run()
