// Records the QoE fixtures in test/fixtures/webrtc-internals/ from a real libwebrtc call
// (@roamhq/wrtc): two RTCPeerConnections in this process, both sending synthetic audio
// (48 kHz Opus, a tone in 10 ms chunks) and video (320x240 I420, a moving pattern, VP8),
// connected over loopback through a small UDP relay that adds delay, jitter and packet loss
// on a fixed schedule, so the stats show something to measure. getStats() is polled every
// second for ~10 s and the series are written in the formats `confctl qoe import` reads:
//
//   chrome-new.json                 webrtc-internals dump, new-style ids (IT01V...), with
//                                   the per-stats "-timestamp" series (Chrome M117+)
//   chrome-new.json.gz              the same, gzipped
//   chrome-new-no-timestamps.json   the same without the "-timestamp" series
//   chrome-old.json                 old-style ids as libwebrtc reports them
//                                   (RTCInboundRTPVideoStream_...), "mediaType", "track"
//                                   stats, updateLog with "time" strings, no timestamps
//   rtcstats-dump.txt               RTCStatsDump file format 3, full reports (as Chrome writes)
//   rtcstats-dump-compressed.txt    RTCStatsDump with rtcstats-js delta compression ("g")
//   recording.json                  facts about the run the tests may assert against
//
// The ids are libwebrtc's; the new-style ids are derived from them the way Chrome's
// current scheme builds them. Certificates, unused codecs and unused ICE candidates are left
// out to keep each file small. Run: npx tsx scripts/record-dump.ts [outDir] [seconds]
import wrtc from '@roamhq/wrtc'
import {createSocket, type RemoteInfo, type Socket} from 'node:dgram'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {SineTone, VideoPattern} from '../src/client/media-pattern.js'

type Stats = Record<string, unknown> & {id: string; type: string; timestamp: number}
interface Poll {
  time: number
  stats: Stats[]
}
interface LogEvent {
  time: number
  type: string
  value: string
}
interface Recorded {
  id: string
  config: unknown
  polls: Poll[]
  log: LogEvent[]
}

const outDir = process.argv[2] ?? 'test/fixtures/webrtc-internals'
const seconds = Number(process.argv[3] ?? 10)
const URL_LABEL = 'node:scripts/record-dump.ts (loopback through an impairing UDP relay)'

// ---- impairment schedule (relative to the first poll) ------------------------------------

interface Impairment {
  lossPercent: number
  baseDelayMs: number
  jitterMs: number
}

/** A -> B: clean, then a bad stretch, then mild loss. B -> A: constant mild loss. */
function impairment(direction: 'AtoB' | 'BtoA', sinceStartMs: number): Impairment {
  if (direction === 'BtoA') return {lossPercent: 0.5, baseDelayMs: 15, jitterMs: 6}
  if (sinceStartMs < 3000) return {lossPercent: 0, baseDelayMs: 30, jitterMs: 4}
  if (sinceStartMs < 6000) return {lossPercent: 8, baseDelayMs: 30, jitterMs: 40}
  return {lossPercent: 1, baseDelayMs: 30, jitterMs: 10}
}

// A deterministic PRNG so a re-recording impairs the same way (timing still varies).
let seed = 0x2f6b3c1d
function random(): number {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return ((seed >>> 0) % 1_000_000) / 1_000_000
}

let startedAt = 0

function isRtp(msg: Buffer): boolean {
  if (msg.length < 12 || msg[0]! < 128 || msg[0]! > 191) return false
  const pt = msg[1]!
  return pt < 200 || pt > 206 // RTCP SR/RR/SDES/BYE/APP/RTPFB/PSFB are 200..206
}

/**
 * A relay in front of one of A's ICE candidates, NAT-style: each B address that talks to
 * it gets its own upstream socket towards A, so A sees (peer-reflexive) relay addresses
 * and B sees the relay port. Media packets are delayed, jittered (no reordering) and lost.
 */
class ImpairingRelay {
  readonly front: Socket
  private readonly upstream = new Map<string, Socket>()
  private readonly lastDeparture = {AtoB: 0, BtoA: 0}
  private closed = false
  dropped = {AtoB: 0, BtoA: 0}
  forwarded = {AtoB: 0, BtoA: 0}

  constructor(private readonly target: {address: string; port: number}) {
    this.front = createSocket('udp4')
    this.front.on('message', (msg, from) => this.fromB(msg, from))
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.front.bind(0, '127.0.0.1', () => resolve(this.front.address().port)))
  }

  private send(direction: 'AtoB' | 'BtoA', msg: Buffer, deliver: () => void): void {
    const imp = impairment(direction, startedAt ? Date.now() - startedAt : 0)
    const media = isRtp(msg)
    if (media && startedAt && random() * 100 < imp.lossPercent) {
      this.dropped[direction]++
      return
    }
    this.forwarded[direction]++
    const wanted = Date.now() + imp.baseDelayMs + (media ? random() * imp.jitterMs : 0)
    const departure = Math.max(wanted, this.lastDeparture[direction])
    this.lastDeparture[direction] = departure
    setTimeout(() => this.closed || deliver(), Math.max(0, departure - Date.now()))
  }

  private fromB(msg: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`
    let up = this.upstream.get(key)
    if (!up) {
      const sock = createSocket('udp4')
      sock.bind(0, '127.0.0.1')
      sock.on('message', (reply) => this.send('AtoB', reply, () => this.front.send(reply, from.port, from.address)))
      this.upstream.set(key, sock)
      up = sock
    }
    const sock = up
    this.send('BtoA', msg, () => sock.send(msg, this.target.port, this.target.address))
  }

  close(): void {
    this.closed = true
    this.front.close()
    for (const s of this.upstream.values()) s.close()
  }
}

// ---- media ----------------------------------------------------------------------------------

/** Test pattern and tone from the smoke client's own generators (src/client/media-pattern.ts);
 *  `phase` shifts the tone so the two sides are told apart in a recording. */
function startMedia(pc: InstanceType<typeof wrtc.RTCPeerConnection>, phase: number): () => void {
  const video = new wrtc.nonstandard.RTCVideoSource()
  const audio = new wrtc.nonstandard.RTCAudioSource()
  const vt = video.createTrack()
  const at = audio.createTrack()
  pc.addTrack(at)
  pc.addTrack(vt)
  const pattern = new VideoPattern(320, 240)
  const tone = new SineTone(440 + phase)
  const videoTimer = setInterval(() => video.onFrame(pattern.next()), 33)
  const audioTimer = setInterval(() => audio.onData(tone.next()), 10)
  return () => {
    clearInterval(videoTimer)
    clearInterval(audioTimer)
    vt.stop()
    at.stop()
  }
}

// ---- the call -------------------------------------------------------------------------------

function logEvents(pc: InstanceType<typeof wrtc.RTCPeerConnection>, log: LogEvent[]): void {
  const add = (type: string, value: string) => log.push({time: Date.now(), type, value})
  pc.addEventListener('signalingstatechange', () => add('signalingstatechange', pc.signalingState))
  pc.addEventListener('iceconnectionstatechange', () => add('iceconnectionstatechange', pc.iceConnectionState))
  pc.addEventListener('connectionstatechange', () => add('connectionstatechange', pc.connectionState))
  pc.addEventListener('icegatheringstatechange', () => add('icegatheringstatechange', pc.iceGatheringState))
  pc.addEventListener('track', (e) =>
    add(
      'ontrack',
      `${(e as unknown as {track: {kind: string; id: string}}).track.kind}, ${(e as unknown as {track: {id: string}}).track.id}`,
    ),
  )
}

async function record(): Promise<{a: Recorded; b: Recorded; relays: ImpairingRelay[]}> {
  const a = new wrtc.RTCPeerConnection()
  const b = new wrtc.RTCPeerConnection()
  const rec = (id: string, pc: InstanceType<typeof wrtc.RTCPeerConnection>): Recorded => ({
    id,
    config: pc.getConfiguration(),
    polls: [],
    log: [],
  })
  const ra = rec('7-1', a)
  const rb = rec('7-2', b)
  logEvents(a, ra.log)
  logEvents(b, rb.log)
  const relays: ImpairingRelay[] = []
  // Only A's IPv4 loopback candidates reach B, through a relay each; B's stay unknown to A,
  // which learns B's relayed addresses from B's connectivity checks.
  a.onicecandidate = async (e) => {
    if (!e.candidate) return
    ra.log.push({time: Date.now(), type: 'icecandidate', value: JSON.stringify(e.candidate)})
    const parts = e.candidate.candidate.split(' ')
    if (parts[2]?.toLowerCase() !== 'udp' || parts[4] !== '127.0.0.1') return
    const relay = new ImpairingRelay({address: '127.0.0.1', port: Number(parts[5])})
    relays.push(relay)
    parts[5] = String(await relay.listen())
    const candidate = {candidate: parts.join(' '), sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex}
    rb.log.push({time: Date.now(), type: 'addIceCandidate', value: JSON.stringify(candidate)})
    await b.addIceCandidate(candidate)
  }
  b.onicecandidate = (e) => {
    if (e.candidate) rb.log.push({time: Date.now(), type: 'icecandidate', value: JSON.stringify(e.candidate)})
  }
  const stopA = startMedia(a, 0)
  const stopB = startMedia(b, 60)
  const offer = await a.createOffer()
  ra.log.push({time: Date.now(), type: 'createOfferOnSuccess', value: JSON.stringify(offer)})
  await a.setLocalDescription(offer)
  ra.log.push({time: Date.now(), type: 'setLocalDescription', value: JSON.stringify(offer)})
  await b.setRemoteDescription(offer)
  rb.log.push({time: Date.now(), type: 'setRemoteDescription', value: JSON.stringify(offer)})
  const answer = await b.createAnswer()
  rb.log.push({time: Date.now(), type: 'createAnswerOnSuccess', value: JSON.stringify(answer)})
  await b.setLocalDescription(answer)
  rb.log.push({time: Date.now(), type: 'setLocalDescription', value: JSON.stringify(answer)})
  await a.setRemoteDescription(answer)
  ra.log.push({time: Date.now(), type: 'setRemoteDescription', value: JSON.stringify(answer)})

  const deadline = Date.now() + 15_000
  while (a.connectionState !== 'connected' || b.connectionState !== 'connected') {
    if (Date.now() > deadline) throw new Error(`no connection: a ${a.connectionState}, b ${b.connectionState}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  await new Promise((r) => setTimeout(r, 1000)) // let the first RTCP reports arrive
  startedAt = Date.now()
  for (let i = 0; i <= seconds; i++) {
    const due = startedAt + i * 1000
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())))
    for (const [pc, r] of [
      [a, ra],
      [b, rb],
    ] as const) {
      const report = await pc.getStats()
      r.polls.push({time: Date.now(), stats: [...report.values()] as Stats[]})
    }
  }
  stopA()
  stopB()
  a.close()
  b.close()
  ra.log.push({time: Date.now(), type: 'close', value: ''})
  rb.log.push({time: Date.now(), type: 'close', value: ''})
  return {a: ra, b: rb, relays}
}

// ---- selecting what to write ------------------------------------------------------------

/** Stats worth keeping: everything but certificates, unused codecs and ICE candidates. */
function keep(polls: Poll[], withTracks: boolean): Poll[] {
  const last = polls[polls.length - 1]!.stats
  const used = new Set<string>()
  for (const s of last) {
    for (const [k, v] of Object.entries(s)) if (k.endsWith('Id') && typeof v === 'string') used.add(v)
  }
  const pairsUsed = last.filter((s) => s.type === 'candidate-pair' && (s.state === 'succeeded' || s.nominated === true))
  for (const p of pairsUsed) {
    used.add(p.localCandidateId as string)
    used.add(p.remoteCandidateId as string)
  }
  const pairIds = new Set(pairsUsed.map((p) => p.id))
  return polls.map((p) => ({
    time: p.time,
    stats: p.stats.filter((s) => {
      if (s.type === 'certificate') return false
      if (s.type === 'track') return withTracks
      if (s.type === 'codec' || s.type === 'local-candidate' || s.type === 'remote-candidate') return used.has(s.id)
      if (s.type === 'candidate-pair') return pairIds.has(s.id)
      return true
    }),
  }))
}

/** Chrome's current id scheme, from libwebrtc's old-style ids. */
function newStyleIds(polls: Poll[]): Map<string, string> {
  const map = new Map<string, string>()
  const transportOf = (id: unknown) =>
    typeof id === 'string' ? `T${id.replace(/^RTCTransport_/, '').replace(/_/g, '')}` : 'T01'
  for (const p of polls) {
    for (const s of p.stats) {
      if (map.has(s.id)) continue
      const k = s.kind === 'audio' ? 'A' : 'V'
      const t = transportOf(s.transportId).slice(1)
      let id: string | null = null
      switch (s.type) {
        case 'inbound-rtp':
          id = `IT${t}${k}${s.ssrc}`
          break
        case 'outbound-rtp':
          id = `OT${t}${k}${s.ssrc}`
          break
        case 'remote-inbound-rtp':
          id = `RI${t}${k}${s.ssrc}`
          break
        case 'remote-outbound-rtp':
          id = `RO${t}${k}${s.ssrc}`
          break
        case 'codec': {
          const m = /^RTCCodec_\d+_(Inbound|Outbound)_(\d+)$/.exec(s.id)
          id = m ? `C${m[1] === 'Inbound' ? 'I' : 'O'}T${t}_${m[2]}` : null
          break
        }
        case 'transport':
          id = transportOf(s.id)
          break
        case 'candidate-pair':
          id = `CP${s.id.replace(/^RTCIceCandidatePair_/, '')}`
          break
        case 'local-candidate':
        case 'remote-candidate':
          id = `I${s.id.replace(/^RTCIceCandidate_/, '')}`
          break
        case 'media-source':
          id = `S${k}${s.id.replace(/^RTC(Audio|Video)Source_/, '')}`
          break
        case 'peer-connection':
          id = 'P'
          break
        default:
          id = null
      }
      if (id) map.set(s.id, id)
    }
  }
  return map
}

/** Renames ids (and references to them); drops what newer Chrome no longer reports. */
function toNewStyle(polls: Poll[]): Poll[] {
  const ids = newStyleIds(polls)
  return polls.map((p) => ({
    time: p.time,
    stats: p.stats
      .filter((s) => ids.has(s.id))
      .map((s) => {
        const out: Stats = {id: ids.get(s.id)!, type: s.type, timestamp: s.timestamp}
        for (const [k, v] of Object.entries(s)) {
          if (
            k === 'id' ||
            k === 'type' ||
            k === 'timestamp' ||
            k === 'mediaType' ||
            k === 'trackId' ||
            k === 'isRemote' ||
            k === 'ip'
          )
            continue
          out[k] = k.endsWith('Id') && typeof v === 'string' && ids.has(v) ? ids.get(v) : v
        }
        return out
      }),
  }))
}

// ---- writers ----------------------------------------------------------------------------------

interface Series {
  start: number
  end: number
  type: string
  values: unknown[]
}

function internalsStats(polls: Poll[], timestamps: boolean): Record<string, unknown> {
  const series = new Map<string, Series>()
  for (const p of polls) {
    for (const s of p.stats) {
      for (const [k, v] of Object.entries(s)) {
        if (k === 'id' || k === 'type' || (k === 'timestamp' && !timestamps)) continue
        if (v !== null && typeof v === 'object') continue
        const key = `${s.id}-${k}`
        let ser = series.get(key)
        if (!ser) {
          ser = {start: p.time, end: p.time, type: s.type, values: []}
          series.set(key, ser)
        }
        ser.end = p.time
        ser.values.push(v)
      }
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, s] of series) {
    out[key] = {
      startTime: new Date(s.start).toISOString(),
      endTime: new Date(s.end).toISOString(),
      statsType: s.type,
      values: JSON.stringify(s.values),
    }
  }
  return out
}

function internalsDump(recs: Recorded[], style: 'new' | 'old', timestamps: boolean): string {
  const pcs: Record<string, unknown> = {}
  for (const r of recs) {
    const kept = keep(r.polls, style === 'old')
    const polls = style === 'new' ? toNewStyle(kept) : kept
    const updateLog = r.log.map((e) =>
      style === 'new'
        ? {timestamp: e.time, type: e.type, value: e.value}
        : {time: new Date(e.time).toString(), type: e.type, value: e.value},
    )
    pcs[r.id] = {
      pid: 4242,
      constraints: '',
      rtcConfiguration: JSON.stringify(r.config),
      stats: internalsStats(polls, timestamps),
      updateLog,
      url: URL_LABEL,
    }
  }
  const dump: Record<string, unknown> = {getUserMedia: [], PeerConnections: pcs, UserAgent: userAgent()}
  if (style === 'new') dump.UserAgentData = []
  return JSON.stringify(dump, null, 1)
}

function userAgent(): string {
  return `@roamhq/wrtc 0.10.0 (libwebrtc) on Node.js ${process.version}`
}

interface TimedEvent {
  time: number
  event: unknown[]
}

function rtcStatsEvents(recs: Recorded[], compress: boolean): TimedEvent[] {
  const events: TimedEvent[] = []
  for (const r of recs) {
    const polls = toNewStyle(keep(r.polls, false))
    const first = Math.min(r.log[0]?.time ?? Infinity, polls[0]!.time) - 1
    events.push({time: first, event: compress ? ['create', r.id, r.config] : ['create', r.id, r.config, URL_LABEL]})
    for (const e of r.log)
      events.push({time: e.time, event: [e.type, r.id, e.value.startsWith('{') ? JSON.parse(e.value) : e.value]})
    let base: Record<string, Stats> = {}
    const idMap: Record<string, string> = {}
    for (const p of polls) {
      const report: Record<string, Stats> = {}
      for (const s of p.stats) report[s.id] = s
      if (compress) {
        events.push({time: p.time, event: ['g', r.id, compressStats(base, report, idMap)]})
        base = report
      } else {
        events.push({time: p.time, event: ['getStats', r.id, report]})
      }
    }
  }
  return events.sort((x, y) => x.time - y.time)
}

function rtcStatsDump(recs: Recorded[], compress: boolean): string {
  const lines = ['RTCStatsDump', JSON.stringify({fileFormat: 3})]
  let last = 0
  for (const {time, event} of rtcStatsEvents(recs, compress)) {
    lines.push(JSON.stringify([...event, time - last]))
    last = time
  }
  return lines.join('\n')
}

// rtcstats-js compression (file format 3): ids to numbers, unchanged properties dropped,
// the newest timestamp lifted to "t", known property names and types to their numbers.
const PROPERTY_NUMBERS: Record<string, number> = {
  transportId: 5,
  mimeType: 6,
  ssrc: 10,
  kind: 11,
  codecId: 12,
  packetsReceived: 14,
  packetsLost: 15,
  jitter: 16,
  remoteId: 19,
  bytesReceived: 41,
  localId: 74,
  roundTripTime: 75,
  fractionLost: 77,
  roundTripTimeMeasurements: 78,
  packetsSent: 79,
  bytesSent: 80,
  state: 118,
  selectedCandidatePairId: 125,
  nominated: 150,
  currentRoundTripTime: 152,
}
const TYPE_NUMBERS: Record<string, number> = {
  'inbound-rtp': 1,
  'outbound-rtp': 2,
  'remote-inbound-rtp': 3,
  'remote-outbound-rtp': 4,
  transport: 5,
  'candidate-pair': 6,
  'local-candidate': 7,
  'remote-candidate': 8,
  'peer-connection': 10,
  'media-source': 12,
  codec: 14,
}

function compressStats(
  base: Record<string, Stats>,
  now: Record<string, Stats>,
  idMap: Record<string, string>,
): Record<string, unknown> {
  const delta: Record<string, Record<string, unknown>> = {}
  for (const [id, s] of Object.entries(now)) {
    const prev = base[id]
    const d: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(s)) {
      if (k === 'id') continue
      if (prev && JSON.stringify(prev[k]) === JSON.stringify(v)) continue
      d[k] = v
    }
    delta[id] = d
  }
  let newest = -Infinity
  for (const d of Object.values(delta))
    if (typeof d.timestamp === 'number' && d.timestamp > newest) newest = d.timestamp
  for (const [id, d] of Object.entries(delta)) {
    if (d.timestamp === newest) delete d.timestamp
    if (Object.keys(d).length === 0) delete delta[id]
  }
  for (const id of Object.keys(now)) if (idMap[id] === undefined) idMap[id] = String(Object.keys(idMap).length)
  const out: Record<string, unknown> = {}
  for (const [id, d] of Object.entries(delta)) {
    const r: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(d)) {
      const value =
        k.endsWith('Id') && typeof v === 'string' && idMap[v] !== undefined
          ? idMap[v]
          : k === 'type' && typeof v === 'string'
            ? (TYPE_NUMBERS[v] ?? v)
            : v
      r[String(PROPERTY_NUMBERS[k] ?? k)] = value
    }
    out[idMap[id]!] = r
  }
  for (const id of Object.keys(base)) if (!now[id]) out[idMap[id]!] = null
  if (newest !== -Infinity) out.t = newest
  return out
}

// ---- main -------------------------------------------------------------------------------------

const {a, b, relays} = await record()
const recs = [a, b]
mkdirSync(outDir, {recursive: true})
const newDump = internalsDump(recs, 'new', true)
const files: Record<string, string | Buffer> = {
  'chrome-new.json': newDump,
  'chrome-new.json.gz': gzipSync(newDump, {level: 9}),
  'chrome-new-no-timestamps.json': internalsDump(recs, 'new', false),
  'chrome-old.json': internalsDump(recs, 'old', false),
  'rtcstats-dump.txt': rtcStatsDump(recs, false),
  'rtcstats-dump-compressed.txt': rtcStatsDump(recs, true),
}
const facts = {
  recordedAt: new Date(startedAt).toISOString(),
  userAgent: userAgent(),
  polls: a.polls.length,
  peerConnections: recs.map((r) => {
    const last = r.polls[r.polls.length - 1]!.stats
    const ids = newStyleIds(r.polls)
    return {
      id: r.id,
      streams: last
        .filter((s) => s.type === 'inbound-rtp' || s.type === 'outbound-rtp')
        .map((s) => ({
          id: ids.get(s.id),
          oldId: s.id,
          type: s.type,
          kind: s.kind,
          ssrc: s.ssrc,
          packetsReceived: s.packetsReceived,
          packetsSent: s.packetsSent,
          packetsLost:
            s.packetsLost ?? last.find((x) => x.type === 'remote-inbound-rtp' && x.localId === s.id)?.packetsLost,
        })),
    }
  }),
  relay: {
    droppedAtoB: relays.reduce((n, r) => n + r.dropped.AtoB, 0),
    droppedBtoA: relays.reduce((n, r) => n + r.dropped.BtoA, 0),
    forwardedAtoB: relays.reduce((n, r) => n + r.forwarded.AtoB, 0),
    forwardedBtoA: relays.reduce((n, r) => n + r.forwarded.BtoA, 0),
  },
}
files['recording.json'] = JSON.stringify(facts, null, 2) + '\n'
for (const [name, content] of Object.entries(files)) {
  writeFileSync(join(outDir, name), content)
  console.log(`${join(outDir, name)}: ${Buffer.byteLength(content)} bytes`)
}
for (const r of relays) r.close()
setTimeout(() => process.exit(0), 200).unref()
