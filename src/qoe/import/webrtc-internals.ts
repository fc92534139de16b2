// Reader for Chrome's chrome://webrtc-internals "Create dump" file, streamed through
// JsonScanner so that only one peer connection's QoE series are in memory at a time:
//
//   {"getUserMedia": [...],
//    "PeerConnections": {
//      "<pcid>": {"pid", "constraints", "rtcConfiguration" | "pcConfiguration", "url",
//                 "updateLog": [...],
//                 "stats": {"<statsId>-<attribute>": {"startTime", "endTime", "statsType",
//                                                       "values": "<JSON array as a string>"}}}},
//    "UserAgent": "...", "UserAgentData": [...]}
//
// Accepted variations:
//  - stats ids in the old style ("RTCInboundRTPVideoStream_1234", Chrome before ~M107, with
//    "mediaType" beside "kind") and the new short style ("IT01V1234");
//  - with the per-stats "<statsId>-timestamp" series (Chrome M117+): sample times come from
//    it; without: each series' samples are spread evenly between its startTime and endTime;
//  - startTime/endTime as ISO strings or as ms numbers; "values" as a JSON-encoded string
//    (what Chrome writes) or as a plain JSON array;
//  - series of one stats object with different lengths (an attribute that appeared later):
//    they are aligned on their last sample, since every series ends at the latest poll;
//  - computed series ("IT01V1-[bytesReceived_in_bits/s]") are ignored; so are stats types
//    and attributes the summaries do not use, getUserMedia and the updateLog (they are only
//    scanned, not decoded); of descriptive series (kind, ssrc, codecId, ...) only the last
//    element is decoded.
// Wrong shapes (no "PeerConnections", a peer connection or stats entry that is not an
// object, "values" that is not a JSON array) are reported with line, byte and key path.
import {JsonScanner, SKIPPED, type ScalarValue, type ScanHandler} from './json-scanner.js'
import {
  isLastField,
  isNumericField,
  isUsed,
  PcStats,
  RELEVANT_TYPES,
  type LastField,
  type NumericField,
} from './stat-series.js'

const enum Ctx {
  Root,
  Pcs,
  Pc,
  Stats,
  Entry,
  Values,
  Ignore,
}

interface RawSeries {
  values: unknown[]
  start: number | null
  end: number | null
}

interface RawStat {
  type: string | null
  attrs: Map<string, RawSeries>
}

interface Entry {
  statsId: string
  attr: string
  wanted: boolean
  statsType: string | null
  start: number | null
  end: number | null
  values: unknown[] | null
}

/** Stats type from an id, for dumps whose entries lack "statsType". */
export function typeFromId(id: string): string | null {
  const rules: Array<[RegExp, string]> = [
    [/^RTCInboundRTP|^IT\d*[AV]?\d/, 'inbound-rtp'],
    [/^RTCOutboundRTP|^OT\d*[AV]?\d/, 'outbound-rtp'],
    [/^RTCRemoteInboundRtp|^RI\d*[AV]?\d/i, 'remote-inbound-rtp'],
    [/^RTCRemoteOutboundRTP|^RO\d*[AV]?\d/i, 'remote-outbound-rtp'],
    [/^RTCIceCandidatePair_|^CP/, 'candidate-pair'],
    [/^RTCTransport_|^T\d/, 'transport'],
    [/^RTCCodec_|^C[IO]T?\d/, 'codec'],
  ]
  for (const [re, type] of rules) if (re.test(id)) return type
  return null
}

function parseTime(v: ScalarValue): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string') {
    const t = Date.parse(v)
    return Number.isNaN(t) ? null : t
  }
  return null
}

const WANTED_ATTRS: ReadonlySet<string> = new Set(['timestamp'])

function wantedAttr(attr: string): boolean {
  return WANTED_ATTRS.has(attr) || isNumericField(attr) || isLastField(attr)
}

/** The last element of a JSON-encoded array, without decoding the rest; null if unsure. */
function lastElement(text: string): unknown[] | null {
  const end = text.lastIndexOf(']')
  const open = text.indexOf('[')
  if (open !== 0 || end !== text.length - 1) return null
  const comma = text.lastIndexOf(',', end)
  try {
    return [JSON.parse(text.slice(comma > open ? comma + 1 : open + 1, end))]
  } catch {
    return null // e.g. a comma inside the last string: decode the whole array
  }
}

const typeName = (v: ScalarValue): string => (v === SKIPPED ? 'a string' : v === null ? 'null' : `a ${typeof v}`)

/** Builds the kept series of one peer connection from its raw attribute series. */
export function buildPcStats(id: string, url: string | null, raw: Map<string, RawStat>): PcStats {
  const pc = new PcStats(id)
  pc.url = url
  for (const [statsId, stat] of raw) {
    const type = stat.type ?? typeFromId(statsId)
    if (!type || !RELEVANT_TYPES.has(type)) continue
    const s = pc.series(statsId, type)
    let rows = 0
    let longest: RawSeries | undefined
    for (const [attr, series] of stat.attrs) {
      if (!isNumericField(attr) && attr !== 'timestamp') continue
      if (series.values.length > rows || (series.values.length === rows && longest && longest.start === null)) {
        rows = series.values.length
        longest = series
      }
    }
    const ts = stat.attrs.get('timestamp')?.values
    const times: number[] = new Array<number>(rows)
    for (let r = 0; r < rows; r++) {
      const fromTs = ts ? ts[ts.length - rows + r] : undefined
      if (typeof fromTs === 'number' && Number.isFinite(fromTs)) {
        times[r] = fromTs
        continue
      }
      s.exactTimes = false
      if (longest && longest.start !== null && longest.end !== null) {
        times[r] = rows === 1 ? longest.end : longest.start + ((longest.end - longest.start) * r) / (rows - 1)
      } else {
        times[r] = r * 1000 // no time information at all: one-second polls, as Chrome's default
      }
    }
    for (let r = 1; r < rows; r++) if (times[r]! < times[r - 1]!) times[r] = times[r - 1]!
    s.times = times
    for (const [attr, series] of stat.attrs) {
      if (isNumericField(attr)) {
        const offset = rows - series.values.length
        // The parsed array itself when it spans every row (the usual case), else a padded copy.
        const col = (offset === 0 ? series.values : new Array<number>(rows).fill(Number.NaN)) as number[]
        for (let k = 0; k < series.values.length; k++) {
          const v = series.values[k]
          col[offset + k] = typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN
        }
        s.setColumn(attr as NumericField, col)
      } else if (isLastField(attr)) {
        for (let k = series.values.length - 1; k >= 0; k--) {
          const v = series.values[k]
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
            s.last[attr as LastField] = v
            break
          }
        }
      }
    }
  }
  return pc
}

export class InternalsHandler implements ScanHandler {
  scanner!: JsonScanner
  userAgent: string | null = null
  private readonly ctx: Ctx[] = []
  private readonly keys: (string | null)[] = []
  private sawPeerConnections = false
  private readonly rootKeys: string[] = []
  private pcId = ''
  private pcUrl: string | null = null
  private pcRaw = new Map<string, RawStat>()
  private entry: Entry | null = null

  constructor(private readonly onPeerConnection: (pc: PcStats) => void) {}

  private get top(): Ctx | undefined {
    return this.ctx[this.ctx.length - 1]
  }

  private get lastKey(): string | null {
    return this.keys[this.keys.length - 1] ?? null
  }

  private push(c: Ctx): void {
    this.ctx.push(c)
    this.keys.push(null)
  }

  key(k: string): void {
    this.keys[this.keys.length - 1] = k
    const top = this.top
    if (top === Ctx.Root) {
      if (this.rootKeys.length < 8) this.rootKeys.push(k)
    } else if (top === Ctx.Stats) {
      const dash = k.lastIndexOf('-')
      const attr = dash > 0 ? k.slice(dash + 1) : ''
      this.entry = {
        statsId: dash > 0 ? k.slice(0, dash) : k,
        attr,
        wanted: dash > 0 && !k.includes('[') && wantedAttr(attr),
        statsType: null,
        start: null,
        end: null,
        values: null,
      }
    }
  }

  private containerStart(isObject: boolean): void {
    const top = this.top
    const key = this.lastKey
    const what = isObject ? 'an object' : 'an array'
    switch (top) {
      case undefined:
        if (!isObject)
          this.scanner.fail(
            'not a webrtc-internals dump: the top level is an array, not an object with a "PeerConnections" key',
          )
        this.push(Ctx.Root)
        return
      case Ctx.Root:
        if (key === 'PeerConnections') {
          if (!isObject) this.scanner.fail('"PeerConnections" is an array, not an object of peer connections')
          this.sawPeerConnections = true
          this.push(Ctx.Pcs)
        } else this.push(Ctx.Ignore)
        return
      case Ctx.Pcs:
        if (!isObject) this.scanner.fail(`peer connection ${JSON.stringify(key)} is ${what}, not an object`)
        this.pcId = key ?? ''
        this.pcUrl = null
        this.pcRaw = new Map()
        this.push(Ctx.Pc)
        return
      case Ctx.Pc:
        if (key === 'stats') {
          if (!isObject)
            this.scanner.fail(`"stats" of peer connection ${JSON.stringify(this.pcId)} is ${what}, not an object`)
          this.push(Ctx.Stats)
        } else this.push(Ctx.Ignore)
        return
      case Ctx.Stats:
        if (!isObject) this.scanner.fail(`stats entry ${JSON.stringify(key)} is ${what}, not an object with "values"`)
        this.push(Ctx.Entry)
        return
      case Ctx.Entry:
        if (key === 'values' && !isObject && this.entry) {
          this.entry.values = []
          this.push(Ctx.Values)
        } else this.push(Ctx.Ignore)
        return
      default:
        this.push(Ctx.Ignore)
    }
  }

  startObject(): void {
    this.containerStart(true)
  }

  startArray(): void {
    this.containerStart(false)
  }

  endArray(): void {
    this.ctx.pop()
    this.keys.pop()
  }

  endObject(): void {
    const ended = this.ctx.pop()
    this.keys.pop()
    if (ended === Ctx.Entry) this.finishEntry()
    else if (ended === Ctx.Pc) {
      const pc = buildPcStats(this.pcId, this.pcUrl, this.pcRaw)
      this.pcRaw = new Map()
      this.onPeerConnection(pc)
    } else if (ended === Ctx.Root && !this.sawPeerConnections) {
      const seen = this.rootKeys.length
        ? `; its keys are ${this.rootKeys.map((k) => JSON.stringify(k)).join(', ')}`
        : '; it is empty'
      this.scanner.fail(
        `not a webrtc-internals dump: the top-level object has no "PeerConnections" key${seen}`,
        'shape',
        false,
      )
    }
  }

  wantString(): boolean {
    const key = this.lastKey
    switch (this.top) {
      case undefined:
        return false
      case Ctx.Root:
        return key === 'UserAgent'
      case Ctx.Pc:
        return key === 'url'
      case Ctx.Entry:
        return (
          key === 'statsType' || key === 'startTime' || key === 'endTime' || (key === 'values' && this.keepValues())
        )
      case Ctx.Values:
        return this.keepValues()
      default:
        return false
    }
  }

  value(v: ScalarValue): void {
    const key = this.lastKey
    switch (this.top) {
      case undefined:
        this.scanner.fail(
          `not a webrtc-internals dump: the top level is ${typeName(v)}, not an object with a "PeerConnections" key`,
        )
        return
      case Ctx.Root:
        if (key === 'UserAgent' && typeof v === 'string') this.userAgent = v
        else if (key === 'PeerConnections')
          this.scanner.fail(`"PeerConnections" is ${typeName(v)}, not an object of peer connections`)
        return
      case Ctx.Pcs:
        this.scanner.fail(`peer connection ${JSON.stringify(key)} is ${typeName(v)}, not an object`)
        return
      case Ctx.Pc:
        if (key === 'url' && typeof v === 'string') this.pcUrl = v
        return
      case Ctx.Stats:
        this.scanner.fail(`stats entry ${JSON.stringify(key)} is ${typeName(v)}, not an object with "values"`)
        return
      case Ctx.Entry:
        this.entryValue(key, v)
        return
      case Ctx.Values:
        this.entry?.values?.push(v === SKIPPED ? null : v)
        return
      default:
    }
  }

  /** Whether the current entry's values are needed ("statsType" usually comes first). */
  private keepValues(): boolean {
    const e = this.entry
    if (!e || !e.wanted) return false
    return e.statsType === null || isUsed(e.statsType, e.attr)
  }

  private entryValue(key: string | null, v: ScalarValue): void {
    const e = this.entry
    if (!e) return
    if (key === 'statsType' && typeof v === 'string') e.statsType = v
    else if (key === 'startTime') e.start = parseTime(v)
    else if (key === 'endTime') e.end = parseTime(v)
    else if (key === 'values' && this.keepValues()) {
      if (typeof v !== 'string') this.scanner.fail(`"values" is ${typeName(v)}, not a JSON-encoded array`)
      const tail = isNumericField(e.attr) ? null : lastElement(v)
      if (tail) {
        e.values = tail
        return
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(v)
      } catch {
        this.scanner.fail(`"values" is not a JSON-encoded array (it does not parse as JSON)`)
      }
      if (!Array.isArray(parsed)) this.scanner.fail(`"values" is not a JSON-encoded array`)
      e.values = parsed
    }
  }

  private finishEntry(): void {
    const e = this.entry
    this.entry = null
    if (!e || !e.wanted || !e.values) return
    if (e.statsType && !isUsed(e.statsType, e.attr)) return
    let stat = this.pcRaw.get(e.statsId)
    if (!stat) {
      stat = {type: null, attrs: new Map()}
      this.pcRaw.set(e.statsId, stat)
    }
    if (e.statsType) stat.type = e.statsType
    stat.attrs.set(e.attr, {values: e.values, start: e.start, end: e.end})
  }
}
