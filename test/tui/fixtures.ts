// A fixed small fleet for the dashboard tests, put through the real SnapshotPoller with a
// fake clock: 60 ticks one second apart, so the history (sparklines) and packet rates are
// the poller's own. edge1 is up with two rooms, edge2 is draining, edge3 stopped answering
// 42 s before the last tick. The dashboard is focused on edge1's room 'standup' throughout,
// so that is the one room fetched in detail (participants, streams, 60 s of history).
import type {NodeInfo, ParticipantInfo, RoomDetail, RoomSummary, StreamStats} from '../../src/api/node-api.js'
import {roomStats} from '../../src/api/room-stats.js'
import type {NodeAnswer} from '../../src/fleet/snapshot.js'
import {
  SnapshotPoller,
  type DetailRequest,
  type PollTarget,
  type SnapshotTick,
} from '../../src/fleet/snapshot-poller.js'

export const T0 = Date.parse('2025-03-01T10:00:00.000Z')
export const TICKS = 60

function info(name: string, draining: boolean, cpu: number): NodeInfo {
  return {
    id: `id-${name}`,
    name,
    version: '0.1.0',
    startedAt: new Date(T0 - 3_600_000).toISOString(),
    uptimeSeconds: 3600,
    draining,
    publicUrl: `http://${name}.example`,
    load: {cpuPercent: cpu, rssBytes: 1e8, loadavg: [0.1, 0.1, 0.1]},
    counts: {rooms: 0, participants: 0, publishers: 0, subscribers: 0},
  }
}

function stream(
  pid: string,
  kind: 'audio' | 'video',
  direction: 'uplink' | 'downlink',
  t: number,
  q: {loss?: number; jitter?: number; rtt?: number | null; mos?: number | null} = {},
): StreamStats {
  const base = kind === 'audio' ? 40_000 : 500_000
  // A ramp that repeats every 20 s, so sparklines have a shape.
  const bitrate = Math.round(base * (0.5 + (t % 20) / 20))
  return {
    id: `${pid}:${kind}`,
    kind,
    codec: kind === 'audio' ? 'opus' : 'VP8',
    direction,
    ssrc: 1000 + t,
    packets: 1000 + t * (kind === 'audio' ? 50 : 100),
    bytes: t * 1000,
    bitrateBps: bitrate,
    packetsLost: 0,
    fractionLost: q.loss ?? 0,
    jitterMs: q.jitter ?? 3.2,
    rttMs: q.rtt === undefined ? (direction === 'downlink' ? 42 : null) : q.rtt,
    nackCount: 1,
    pliCount: 0,
    mos: q.mos === undefined ? (kind === 'audio' ? 4.38 : null) : q.mos,
  }
}

function person(
  id: string,
  identity: string,
  name: string,
  role: 'publisher' | 'subscriber',
  streams: StreamStats[],
  extra: Partial<ParticipantInfo> = {},
): ParticipantInfo {
  return {
    id,
    identity,
    name,
    role,
    joinedAt: new Date(T0 - 300_000).toISOString(),
    remoteIp: '198.51.100.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
    state: 'connected',
    streams,
    ...extra,
  }
}

function room(name: string, createdAgoS: number, participantsList: ParticipantInfo[]): RoomDetail {
  let inBps = 0
  let outBps = 0
  for (const p of participantsList)
    for (const s of p.streams) {
      if (s.direction === 'uplink') inBps += s.bitrateBps
      else outBps += s.bitrateBps
    }
  const publishers = participantsList.filter((p) => p.role === 'publisher').length
  return {
    name,
    createdAt: new Date(T0 - createdAgoS * 1000).toISOString(),
    people: new Set(participantsList.map((p) => p.identity)).size,
    participants: participantsList.length,
    publishers,
    subscribers: participantsList.length - publishers,
    bitrateInBps: inBps,
    bitrateOutBps: outBps,
    ...roomStats(participantsList),
    participantsList,
  }
}

/** What a node with these rooms answers to a poll asking for `details`: every room's
 *  summary (GET /v1/rooms) and the detail of the rooms asked for, as fresh objects. */
export function serve(a: {info: NodeInfo; rooms: RoomDetail[]}, details: DetailRequest): NodeAnswer {
  const copy = structuredClone(a)
  const rooms: RoomSummary[] = copy.rooms.map(({participantsList: _, ...summary}) => summary)
  const wanted = details === 'all' ? copy.rooms : copy.rooms.filter((r) => details.includes(r.name))
  return {info: copy.info, rooms, details: wanted}
}

/** The answers of each node at tick t (0-based). */
export function answers(t: number): Record<string, {info: NodeInfo; rooms: RoomDetail[]} | Error> {
  const edge1 = [
    room('standup', 754, [
      person('pa11ce', 'alice', 'Alice A.', 'publisher', [
        stream('pa11ce', 'audio', 'uplink', t),
        stream('pa11ce', 'video', 'uplink', t),
      ]),
      person('pb0b00', 'bob', 'Bob B.', 'publisher', [
        stream('pb0b00', 'audio', 'uplink', t, {jitter: 24.5, mos: 3.9}),
        stream('pb0b00', 'video', 'uplink', t, {jitter: 24.5}),
      ]),
      person(
        'pcar01',
        'carol',
        'Carol C.',
        'subscriber',
        [stream('pa11ce', 'audio', 'downlink', t), stream('pa11ce', 'video', 'downlink', t)],
        {publisherId: 'pa11ce'},
      ),
    ]),
    room('lecture', 3725, [
      person('pdave1', 'dave', 'Dave D.', 'publisher', [
        stream('pdave1', 'audio', 'uplink', t, {loss: 0.052, jitter: 41.0, mos: 3.1}),
        stream('pdave1', 'video', 'uplink', t, {loss: 0.06}),
      ]),
    ]),
  ]
  const edge2 = [
    room('quiet', 60, [person('perin1', 'erin', 'Erin E.', 'publisher', [stream('perin1', 'audio', 'uplink', t)])]),
  ]
  return {
    edge1: {info: info('edge1', false, 23), rooms: edge1},
    edge2: {info: info('edge2', true, 4), rooms: edge2},
    // edge3 answered until 42 s before the last tick, then nothing.
    edge3:
      t < TICKS - 42
        ? {info: info('edge3', false, 9), rooms: []}
        : new Error("node 'edge3' is unreachable at http://127.0.0.1:9: connection refused (is the node running?)."),
  }
}

/** Runs the poller through TICKS ticks with a fake clock, focused on edge1's 'standup';
 *  returns the last tick. */
export async function fixtureTick(opts: {keepRemoteIp?: boolean} = {}): Promise<SnapshotTick> {
  let now = T0 - (TICKS - 1) * 1000
  let t = 0
  const targets: PollTarget[] = ['edge1', 'edge2', 'edge3'].map((name) => ({
    name,
    fetch: async (_timeoutMs, details) => {
      const a = answers(t)[name]
      if (a instanceof Error) throw a
      return serve(a, details)
    },
  }))
  const poller = new SnapshotPoller({
    targets: () => targets,
    intervalMs: 1000,
    timeoutMs: 500,
    keepRemoteIp: opts.keepRemoteIp,
    now: () => now,
  })
  poller.focus({node: 'edge1', room: 'standup'})
  let tick: SnapshotTick | undefined
  for (; t < TICKS; t++) {
    tick = await poller.tick()
    now += 1000
  }
  return tick!
}
