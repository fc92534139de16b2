// What the importers keep of a peer connection's stats: for each RTCStats object of a type
// that matters for QoE, its sample times and the few numeric figures the summary needs (as
// columns, NaN where a sample lacks one), plus the last value of a few descriptive fields
// (kind, ssrc, codecId, ...). Everything else in a dump is skipped while it is read.
//
// Sources feed it in two ways: the webrtc-internals reader hands over whole columns per
// attribute (setColumn), the RTCStatsDump reader appends one RTCStats object per poll (add).

/** RTCStats types whose series the summaries use. */
export const RELEVANT_TYPES: ReadonlySet<string> = new Set([
  'inbound-rtp',
  'outbound-rtp',
  'remote-inbound-rtp',
  'remote-outbound-rtp',
  'candidate-pair',
  'transport',
  'codec',
])

/** Numeric attributes kept as time series (units as in RTCStats: seconds for times). */
export const NUMERIC_FIELDS = [
  'packetsReceived',
  'packetsLost',
  'packetsSent',
  'bytesReceived',
  'bytesSent',
  'jitter',
  'roundTripTime',
  'roundTripTimeMeasurements',
  'currentRoundTripTime',
  'fractionLost',
] as const

/** Attributes of which only the last value is kept. */
export const LAST_FIELDS = [
  'kind',
  'mediaType',
  'ssrc',
  'codecId',
  'mimeType',
  'localId',
  'remoteId',
  'transportId',
  'selectedCandidatePairId',
  'nominated',
  'state',
] as const

export type NumericField = (typeof NUMERIC_FIELDS)[number]
export type LastField = (typeof LAST_FIELDS)[number]

/** Which attributes the summaries read from each relevant type (the importers skip the rest). */
const USED: Record<string, ReadonlySet<string>> = {
  'inbound-rtp': new Set([
    'timestamp',
    'packetsReceived',
    'packetsLost',
    'jitter',
    'bytesReceived',
    'kind',
    'mediaType',
    'ssrc',
    'codecId',
    'transportId',
    'remoteId',
  ]),
  'outbound-rtp': new Set([
    'timestamp',
    'packetsSent',
    'bytesSent',
    'kind',
    'mediaType',
    'ssrc',
    'codecId',
    'transportId',
    'remoteId',
  ]),
  'remote-inbound-rtp': new Set([
    'timestamp',
    'packetsLost',
    'fractionLost',
    'jitter',
    'roundTripTime',
    'roundTripTimeMeasurements',
    'kind',
    'mediaType',
    'ssrc',
    'localId',
  ]),
  'remote-outbound-rtp': new Set([
    'timestamp',
    'roundTripTime',
    'roundTripTimeMeasurements',
    'kind',
    'mediaType',
    'ssrc',
    'localId',
  ]),
  'candidate-pair': new Set([
    'timestamp',
    'currentRoundTripTime',
    'bytesSent',
    'bytesReceived',
    'transportId',
    'nominated',
    'state',
  ]),
  transport: new Set(['selectedCandidatePairId']),
  codec: new Set(['mimeType']),
}

/** Whether the summaries read `attr` of a stats object of `type`. */
export function isUsed(type: string, attr: string): boolean {
  return USED[type]?.has(attr) ?? false
}

const NUMERIC_SET: ReadonlySet<string> = new Set(NUMERIC_FIELDS)
const LAST_SET: ReadonlySet<string> = new Set(LAST_FIELDS)

export const isNumericField = (name: string): name is NumericField => NUMERIC_SET.has(name)
export const isLastField = (name: string): name is LastField => LAST_SET.has(name)

export type LastValue = string | number | boolean

export class StatSeries {
  /** ms since the epoch, ascending */
  times: number[] = []
  /** false when the times were interpolated (a webrtc-internals dump without timestamps) */
  exactTimes = true
  readonly columns = new Map<NumericField, number[]>()
  readonly last: Partial<Record<LastField, LastValue>> = {}

  constructor(
    readonly id: string,
    readonly type: string,
  ) {}

  get length(): number {
    return this.times.length
  }

  column(name: NumericField): number[] | undefined {
    return this.columns.get(name)
  }

  /** Appends one RTCStats object (as getStats() returns it) sampled at `time`. */
  add(time: number, stats: Record<string, unknown>): void {
    const row = this.times.length
    this.times.push(time)
    for (const name of NUMERIC_FIELDS) {
      const v = stats[name]
      let col = this.columns.get(name)
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (!col) {
          col = new Array<number>(row).fill(Number.NaN)
          this.columns.set(name, col)
        }
        col.push(v)
      } else if (col) {
        col.push(Number.NaN)
      }
    }
    for (const name of LAST_FIELDS) {
      const v = stats[name]
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') this.last[name] = v
    }
  }

  /** Sets a whole column (same length as times). */
  setColumn(name: NumericField, values: number[]): void {
    this.columns.set(name, values)
  }

  /** Index of the last sample at or before `time` (with `toleranceMs` of slack), or -1. */
  indexAtOrBefore(time: number, toleranceMs = 0): number {
    const t = time + toleranceMs
    let lo = 0
    let hi = this.times.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (this.times[mid]! <= t) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found
  }
}

/** One peer connection's kept stats, by stats id. */
export class PcStats {
  readonly stats = new Map<string, StatSeries>()
  url: string | null = null

  constructor(readonly id: string) {}

  series(id: string, type: string): StatSeries {
    let s = this.stats.get(id)
    if (!s) {
      s = new StatSeries(id, type)
      this.stats.set(id, s)
    }
    return s
  }

  /** Appends every relevant object of one getStats() report. */
  addReport(time: number, report: Record<string, unknown>): void {
    for (const [id, value] of Object.entries(report)) {
      if (!value || typeof value !== 'object') continue
      const stats = value as Record<string, unknown>
      const type = stats.type
      if (typeof type !== 'string' || !RELEVANT_TYPES.has(type)) continue
      const ts = typeof stats.timestamp === 'number' && Number.isFinite(stats.timestamp) ? stats.timestamp : time
      const s = this.series(id, type)
      // A stats object whose own timestamp did not move (a remote report not renewed) is
      // still sampled: its values were current at this poll.
      s.add(Math.max(ts, s.times.length ? s.times[s.times.length - 1]! : ts), stats)
    }
  }

  ofType(type: string): StatSeries[] {
    return [...this.stats.values()].filter((s) => s.type === type)
  }
}
