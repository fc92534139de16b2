// Readers for the line-delimited formats, one line parsed at a time.
//
// 1. RTCStatsDump, file format 3 (github.com/rtcstats/rtcstats, packages/rtcstats-server
//    docs/file-format.md), which Chrome's webrtc-internals also downloads ("rtcstats_dump",
//    gzipped) and rtcstats-js clients upload:
//
//      RTCStatsDump
//      {"fileFormat": 3, ...metadata}
//      [method, peerConnectionId | null, value, ...extra, timeDelta]
//      ...
//
//    timeDelta is ms since the previous line (the first one: since the Unix epoch). Used:
//    - "getStats" (as Chrome writes it): value is a full report {statsId: RTCStats};
//    - "g" or 1 (rtcstats-js compression): value is a delta against the previous report of
//      the same peer connection: property names and stats types may be replaced by the
//      numbers of the rtcstats static tables (only the entries used here are known), the
//      common timestamp is lifted to the key "t", properties equal to the previous report's
//      are left out, an object left out entirely is unchanged, an object set to null is gone;
//    - "create": its first extra element, when a string, is the page URL;
//    - "close" (or 36) and "remove" end the peer connection (its series are summarised and
//      dropped, so memory holds only open connections).
//    Other methods and lines that are not arrays are skipped; a line that is not JSON, a
//    missing header or metadata object, or a non-numeric time delta is an error.
//
// 2. Plain stats lines (JSON Lines, no header) for exports from other tools, one of:
//      {"pc"|"peerConnectionId"|"connectionId"|"pcId": id?, "time"|"timestamp": ms or ISO?,
//       "stats": {statsId: RTCStats} | [RTCStats with "id"]}
//      a single RTCStats object {"id", "type", "timestamp", ...} (optionally with "pc" ...)
//    Lines without a peer connection id belong to peer connection "default". Blank lines are
//    skipped; anything else is an error naming the line.
import {JsonInputError} from './json-scanner.js'
import {PcStats} from './stat-series.js'
import type {Line} from './input.js'

export interface LineReaderResult {
  userAgent: string | null
}

// rtcstats static tables: the numbers below are theirs (only the entries this reader uses).
const METHODS: Record<string, string> = {g: 'getStats', 1: 'getStats', 36: 'close'}
const PROPERTIES: Record<string, string> = {
  t: 'timestamp',
  5: 'transportId',
  6: 'mimeType',
  10: 'ssrc',
  11: 'kind',
  12: 'codecId',
  14: 'packetsReceived',
  15: 'packetsLost',
  16: 'jitter',
  19: 'remoteId',
  41: 'bytesReceived',
  74: 'localId',
  75: 'roundTripTime',
  77: 'fractionLost',
  78: 'roundTripTimeMeasurements',
  79: 'packetsSent',
  80: 'bytesSent',
  118: 'state',
  125: 'selectedCandidatePairId',
  150: 'nominated',
  152: 'currentRoundTripTime',
}
const TYPES: Record<string, string> = {
  1: 'inbound-rtp',
  2: 'outbound-rtp',
  3: 'remote-inbound-rtp',
  4: 'remote-outbound-rtp',
  5: 'transport',
  6: 'candidate-pair',
  7: 'local-candidate',
  8: 'remote-candidate',
  9: 'data-channel',
  10: 'peer-connection',
  11: 'certificate',
  12: 'media-source',
  13: 'media-playout',
  14: 'codec',
}

type Report = Record<string, unknown>
type Stats = Record<string, Report>

function expand(report: Report): Report {
  const out: Report = {}
  for (const [k, v] of Object.entries(report)) {
    const name = PROPERTIES[k] ?? k
    out[name] = name === 'type' && (typeof v === 'number' || typeof v === 'string') ? (TYPES[String(v)] ?? v) : v
  }
  return out
}

/** Applies an rtcstats delta to the previous full report of a peer connection. */
export function applyStatsDelta(base: Stats | undefined, delta: Record<string, unknown>): Stats {
  const out: Stats = {}
  const topTs = typeof delta.t === 'number' ? delta.t : undefined
  const removed = new Set<string>()
  for (const [id, r] of Object.entries(delta)) {
    if (id === 't') continue
    if (r === null) removed.add(id)
    else if (r && typeof r === 'object' && !Array.isArray(r)) out[id] = expand(r as Report)
  }
  for (const [id, prev] of Object.entries(base ?? {})) {
    if (removed.has(id)) continue
    const cur = out[id]
    if (!cur) {
      out[id] = {...prev, ...(topTs !== undefined ? {timestamp: topTs} : {})}
      continue
    }
    const ownTs = cur.timestamp !== undefined
    for (const [name, value] of Object.entries(prev)) {
      if (cur[name] === undefined) cur[name] = value
      else if (value && typeof value === 'object' && !Array.isArray(value) && !Array.isArray(cur[name]))
        cur[name] = {...(value as object), ...(cur[name] as object)}
    }
    if (!ownTs && topTs !== undefined) cur.timestamp = topTs
  }
  if (topTs !== undefined) for (const r of Object.values(out)) if (r.timestamp === undefined) r.timestamp = topTs
  return out
}

/** An error about one line: "<file>: line N (byte B) <reason>." */
function lineError(l: Line, reason: string): JsonInputError {
  return new JsonInputError('line', reason, l.line, l.offset, '')
}

function parseLine(l: Line, what = ''): unknown {
  try {
    return JSON.parse(l.text)
  } catch (err) {
    throw lineError(l, `${what}is not JSON: ${(err as Error).message}`)
  }
}

/** Peer connections of one line-delimited dump, in the order they were first seen. */
class Connections {
  private readonly open = new Map<string, PcStats>()
  private readonly closed = new Set<string>()

  constructor(private readonly onPeerConnection: (pc: PcStats) => void) {}

  get(id: string): PcStats | undefined {
    if (this.closed.has(id)) return undefined
    let pc = this.open.get(id)
    if (!pc) {
      pc = new PcStats(id)
      this.open.set(id, pc)
    }
    return pc
  }

  close(id: string): void {
    const pc = this.open.get(id)
    if (!pc) return
    this.open.delete(id)
    this.closed.add(id)
    this.onPeerConnection(pc)
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id)
  }
}

/** Reads an RTCStatsDump (format 3); calls onPeerConnection as each connection ends. */
export async function readRtcStatsDump(
  lines: AsyncIterable<Line>,
  onPeerConnection: (pc: PcStats) => void,
): Promise<LineReaderResult> {
  const pcs = new Connections(onPeerConnection)
  const base = new Map<string, Stats>()
  let userAgent: string | null = null
  let time = 0
  let n = 0
  for await (const l of lines) {
    n++
    if (n === 1) {
      if (l.text.trim() !== 'RTCStatsDump') throw lineError(l, 'is not the "RTCStatsDump" header')
      continue
    }
    if (n === 2) {
      const meta = parseLine(l, '(the metadata line) ')
      if (!meta || typeof meta !== 'object' || Array.isArray(meta))
        throw lineError(l, '(the metadata line) is not a JSON object')
      const m = meta as Record<string, unknown>
      if (typeof m.userAgent === 'string') userAgent = m.userAgent
      continue
    }
    if (!l.text.trim()) continue
    const ev = parseLine(l)
    if (!Array.isArray(ev)) continue
    if (ev.length < 3)
      throw lineError(l, `has ${ev.length} element(s); an event has at least [method, connection, time delta]`)
    const delta = ev[ev.length - 1]
    if (typeof delta !== 'number' || !Number.isFinite(delta)) {
      throw lineError(l, `ends in ${JSON.stringify(delta)} where the time delta, a number, belongs`)
    }
    time += delta
    const method = METHODS[String(ev[0])] ?? String(ev[0])
    const pcId = ev[1]
    if (pcId === null || pcId === undefined) {
      const v = ev[2] as Record<string, unknown> | undefined
      if (method === 'create' && v && typeof v === 'object' && typeof v.userAgent === 'string')
        userAgent ??= v.userAgent
      continue
    }
    const id = String(pcId)
    if (method === 'getStats') {
      const value = ev[2]
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw lineError(l, 'has a getStats report that is not an object of RTCStats')
      }
      const pc = pcs.get(id)
      if (!pc) continue
      const compressed = ev[0] !== 'getStats'
      const report = compressed ? applyStatsDelta(base.get(id), value as Record<string, unknown>) : (value as Stats)
      if (compressed) base.set(id, report)
      pc.addReport(time, report)
    } else if (method === 'create') {
      const pc = pcs.get(id)
      if (pc && typeof ev[3] === 'string' && ev.length > 4) pc.url = ev[3]
    } else if (method === 'close' || method === 'remove') {
      pcs.close(id)
      base.delete(id)
    }
  }
  if (n === 0) throw new JsonInputError('empty', 'no lines', 1, 0, '')
  if (n === 1)
    throw new JsonInputError(
      'truncated',
      'the file ends after the "RTCStatsDump" header, before its metadata line',
      2,
      13,
      '',
    )
  pcs.closeAll()
  return {userAgent}
}

function timeOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string') {
    const t = Date.parse(v)
    return Number.isNaN(t) ? null : t
  }
  return null
}

function pcIdOf(o: Record<string, unknown>): string {
  const v = o.pc ?? o.peerConnectionId ?? o.connectionId ?? o.pcId
  return typeof v === 'string' || typeof v === 'number' ? String(v) : 'default'
}

/** Reads plain stats lines (format 2 above). */
export async function readStatsLines(
  lines: AsyncIterable<Line>,
  onPeerConnection: (pc: PcStats) => void,
): Promise<LineReaderResult> {
  const pcs = new Connections(onPeerConnection)
  let any = false
  for await (const l of lines) {
    if (!l.text.trim()) continue
    const o = parseLine(l)
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw lineError(l, 'is not a JSON object')
    const obj = o as Record<string, unknown>
    any = true
    if ('stats' in obj) {
      const time = timeOf(obj.time ?? obj.timestamp) ?? 0
      const stats = obj.stats
      let report: Stats
      if (Array.isArray(stats)) {
        report = {}
        for (const s of stats)
          if (s && typeof s === 'object' && typeof (s as Report).id === 'string')
            report[(s as Report).id as string] = s as Report
      } else if (stats && typeof stats === 'object') {
        report = stats as Stats
      } else {
        throw lineError(l, 'has "stats" that are neither an object of RTCStats nor an array of them')
      }
      pcs.get(pcIdOf(obj))?.addReport(time, report)
    } else if (typeof obj.type === 'string' && typeof obj.id === 'string') {
      const time = timeOf(obj.timestamp ?? obj.time) ?? 0
      pcs.get(pcIdOf(obj))?.addReport(time, {[obj.id]: obj})
    } else {
      throw lineError(l, 'has neither a "stats" key nor an RTCStats "id" and "type"')
    }
  }
  if (!any) throw new JsonInputError('empty', 'no stats lines', 1, 0, '')
  pcs.closeAll()
  return {userAgent: null}
}
