// A synthetic fleet for the dashboard's benchmark and tests: poll targets that answer like
// nodes would (GET /v1/node, GET /v1/rooms with each room's summary and quality aggregates,
// and GET /v1/rooms/{room} for the rooms asked for in detail, each serialised to JSON and
// decoded again, as the admin client gets it), with counters that advance and figures that
// wander at each fetch. Deterministic for a given seed; no network, no timers.
import type {NodeInfo, ParticipantInfo, RoomDetail, RoomSummary, StreamStats} from '../../src/api/node-api.js'
import {roomStats} from '../../src/api/room-stats.js'
import type {NodeAnswer} from '../../src/fleet/snapshot.js'
import type {DetailRequest, PollTarget} from '../../src/fleet/snapshot-poller.js'

export interface SyntheticFleetOptions {
  nodes: number
  rooms: number
  participants: number
  seed?: number
  /** Fraction of participants that publish (the others subscribe to a publisher). */
  publisherShare?: number
  /** Start time of the fleet (rooms and sessions are created before it). */
  startedAt?: number
  /** Told how long each answer took to make (the nodes' side of the work, in ms), so a
   *  benchmark can leave it out of the dashboard's own figures. */
  onNodeWork?: (ms: number) => void
  /** Told how long decoding each answer took (the dashboard's side, in ms) and how many
   *  bytes of JSON it was. */
  onDecode?: (ms: number, bytes: number) => void
  /** Told which rooms each fetch asked for in detail. */
  onFetch?: (node: string, details: DetailRequest) => void
}

/** Small, fast, deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface SynthNode {
  info: NodeInfo
  rooms: RoomDetail[]
  byName: Map<string, RoomDetail>
}

export function syntheticTargets(opts: SyntheticFleetOptions): PollTarget[] {
  const rnd = prng(opts.seed ?? 1)
  const t0 = opts.startedAt ?? Date.now()
  const pubShare = opts.publisherShare ?? 0.3
  const nodes: SynthNode[] = []
  for (let n = 0; n < opts.nodes; n++) {
    nodes.push({
      info: {
        id: `node-${n}`,
        name: `edge${String(n + 1).padStart(2, '0')}`,
        version: '0.1.0',
        startedAt: new Date(t0 - 86_400_000).toISOString(),
        uptimeSeconds: 86_400,
        draining: n % 17 === 16,
        publicUrl: `https://edge${n + 1}.example.org`,
        load: {cpuPercent: 10 + rnd() * 50, rssBytes: 300e6, loadavg: [0.5, 0.5, 0.5]},
        counts: {rooms: 0, participants: 0, publishers: 0, subscribers: 0},
      },
      rooms: [],
      byName: new Map(),
    })
  }
  const roomList: RoomDetail[] = []
  for (let r = 0; r < opts.rooms; r++) {
    const room: RoomDetail = {
      name: `room-${String(r + 1).padStart(4, '0')}`,
      createdAt: new Date(t0 - Math.floor(rnd() * 7_200_000)).toISOString(),
      people: 0,
      participants: 0,
      publishers: 0,
      subscribers: 0,
      bitrateInBps: 0,
      bitrateOutBps: 0,
      worstJitterMs: null,
      worstLossPercent: null,
      worstRttMs: null,
      worstMos: null,
      packets: 0,
      participantsList: [],
    }
    nodes[r % nodes.length].rooms.push(room)
    nodes[r % nodes.length].byName.set(room.name, room)
    roomList.push(room)
  }
  for (let i = 0; i < opts.participants; i++) {
    const room = roomList[i % roomList.length]
    const publishers = room.participantsList.filter((p) => p.role === 'publisher')
    const publisher = publishers.length === 0 || rnd() < pubShare
    const id = `p${i.toString(36).padStart(5, '0')}`
    const source = publisher ? undefined : publishers[Math.floor(rnd() * publishers.length)]
    const direction = publisher ? 'uplink' : 'downlink'
    const stream = (kind: 'audio' | 'video'): StreamStats => ({
      id: `${publisher ? id : source!.id}:${kind}`,
      kind,
      codec: kind === 'audio' ? 'opus' : 'VP8',
      direction,
      ssrc: Math.floor(rnd() * 2 ** 32),
      packets: Math.floor(rnd() * 100_000),
      bytes: 0,
      bitrateBps: kind === 'audio' ? 32_000 : 600_000,
      packetsLost: 0,
      fractionLost: 0,
      jitterMs: 2,
      rttMs: publisher ? null : 30,
      nackCount: 0,
      pliCount: 0,
      mos: kind === 'audio' ? 4.3 : null,
      ...(publisher ? {} : {sourcePublisherId: source!.id}),
    })
    const p: ParticipantInfo = {
      id,
      identity: `user${i}@example.org`,
      name: `User ${i}`,
      role: publisher ? 'publisher' : 'subscriber',
      joinedAt: new Date(t0 - Math.floor(rnd() * 3_600_000)).toISOString(),
      remoteIp: `192.0.2.${i % 250}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      state: 'connected',
      ...(source ? {publisherId: source.id} : {}),
      streams: [stream('audio'), stream('video')],
    }
    room.participantsList.push(p)
  }
  for (const n of nodes) {
    for (const room of n.rooms) recount(room)
    recountNode(n)
  }
  return nodes.map((n, i) => ({
    name: n.info.name,
    fetch: async (_timeoutMs: number, details: DetailRequest): Promise<NodeAnswer> => {
      opts.onFetch?.(n.info.name, details)
      const started = performance.now()
      advance(n, prng((opts.seed ?? 1) * 7919 + i + Math.floor(rnd() * 1e9)))
      // The node's three kinds of answer, as JSON.
      const infoText = JSON.stringify(n.info)
      const roomsText = JSON.stringify({rooms: n.rooms.map(summaryOf)})
      const wanted = details === 'all' ? n.rooms : details.flatMap((name) => n.byName.get(name) ?? [])
      const detailTexts = wanted.map((room) => JSON.stringify(room))
      opts.onNodeWork?.(performance.now() - started)
      // Decoded as the admin client would: fresh objects the poller owns.
      const decodeStart = performance.now()
      const answer: NodeAnswer = {
        info: JSON.parse(infoText) as NodeInfo,
        rooms: (JSON.parse(roomsText) as {rooms: RoomSummary[]}).rooms,
        details: detailTexts.map((text) => JSON.parse(text) as RoomDetail),
      }
      const bytes = infoText.length + roomsText.length + detailTexts.reduce((a, t) => a + t.length, 0)
      opts.onDecode?.(performance.now() - decodeStart, bytes)
      return answer
    },
  }))
}

/** A room's entry in GET /v1/rooms: everything but the participants. */
function summaryOf(room: RoomDetail): RoomSummary {
  const {participantsList: _, ...summary} = room
  return summary
}

/** One second of life: counters go up, bitrates and quality wander. */
function advance(n: SynthNode, rnd: () => number): void {
  n.info.load.cpuPercent = Math.min(100, Math.max(1, n.info.load.cpuPercent + (rnd() - 0.5) * 6))
  n.info.uptimeSeconds += 1
  for (const room of n.rooms) {
    for (const p of room.participantsList) {
      for (const s of p.streams) {
        const base = s.kind === 'audio' ? 32_000 : 600_000
        s.bitrateBps = Math.max(0, Math.round(s.bitrateBps * 0.7 + base * (0.3 + (rnd() - 0.5) * 0.4)))
        const pkts = s.kind === 'audio' ? 50 : 60 + Math.floor(rnd() * 30)
        s.packets += pkts
        s.bytes += Math.round(s.bitrateBps / 8)
        const bad = rnd() < 0.02
        s.fractionLost = bad ? rnd() * 0.08 : rnd() < 0.2 ? rnd() * 0.005 : 0
        s.packetsLost += Math.round(pkts * s.fractionLost)
        s.jitterMs = Math.max(0.1, (s.jitterMs ?? 2) * 0.8 + (bad ? 40 : 3) * rnd())
        if (s.rttMs !== null) s.rttMs = 20 + rnd() * (bad ? 400 : 60)
        if (s.kind === 'audio')
          s.mos = Math.max(1, Math.min(4.5, 4.4 - s.fractionLost * 20 - (s.jitterMs > 30 ? 0.5 : 0)))
      }
    }
    recount(room)
  }
  recountNode(n)
}

function recount(room: RoomDetail): void {
  room.participants = room.participantsList.length
  room.people = new Set(room.participantsList.map((p) => p.identity)).size
  room.publishers = room.participantsList.filter((p) => p.role === 'publisher').length
  room.subscribers = room.participants - room.publishers
  let inBps = 0
  let outBps = 0
  for (const p of room.participantsList)
    for (const s of p.streams) {
      if (s.direction === 'uplink') inBps += s.bitrateBps
      else outBps += s.bitrateBps
    }
  room.bitrateInBps = inBps
  room.bitrateOutBps = outBps
  Object.assign(room, roomStats(room.participantsList))
}

function recountNode(n: SynthNode): void {
  const c = {rooms: n.rooms.length, participants: 0, publishers: 0, subscribers: 0}
  for (const r of n.rooms) {
    c.participants += r.participants
    c.publishers += r.publishers
    c.subscribers += r.subscribers
  }
  n.info.counts = c
}
