// Quality thresholds (`--max-jitter 30 --max-loss 2 --max-rtt 300 --min-mos 3.5`): parsing
// and validation of the flag values, and evaluation of stream summaries against them.
//
// A stream breaks a threshold when its p95 figure is worse than the limit (strictly): p95
// jitter, loss or RTT above the maximum, or p95 MOS (read on the worse side: the MOS that
// 95 % of samples reach, see src/qoe/summary.ts) below the minimum. p95 rather than max
// because one bad interval (a key-frame burst, a single late RTCP report) should not fail a
// call, while more than one interval in twenty being bad should; p50 would hide a call that
// is bad a third of the time. A figure a stream has no samples for cannot break a threshold.
//
// The evaluation takes summaries grouped by where they came from ("pc 1-3" for a dump, later
// a node and room), so it does not care whether they were imported or fetched live.
import {BadInputError} from '../errors.js'
import {formatNumber, streamLabel, type Pct, type StreamSummary} from './summary.js'

export interface Thresholds {
  maxJitterMs: number | null
  maxLossPercent: number | null
  maxRttMs: number | null
  minMos: number | null
}

export const DEFAULT_THRESHOLDS: Thresholds = {maxJitterMs: 30, maxLossPercent: 2, maxRttMs: 300, minMos: 3.5}

/** The raw flag values as oclif hands them over (undefined: use the default). */
export interface ThresholdFlags {
  'max-jitter'?: string
  'max-loss'?: string
  'max-rtt'?: string
  'min-mos'?: string
}

interface FlagSpec {
  flag: keyof ThresholdFlags
  field: keyof Thresholds
  what: string
  min: number
  max: number
}

const SPECS: FlagSpec[] = [
  {flag: 'max-jitter', field: 'maxJitterMs', what: 'a jitter in milliseconds', min: 0, max: Number.MAX_VALUE},
  {flag: 'max-loss', field: 'maxLossPercent', what: 'a packet loss in percent', min: 0, max: 100},
  {flag: 'max-rtt', field: 'maxRttMs', what: 'a round-trip time in milliseconds', min: 0, max: Number.MAX_VALUE},
  {flag: 'min-mos', field: 'minMos', what: 'a MOS between 1 and 4.5', min: 1, max: 4.5},
]

const NUMBER = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** Parses one threshold flag value; throws BadInputError naming the flag and the value. */
export function parseThreshold(flag: keyof ThresholdFlags, raw: string): number {
  const spec = SPECS.find((s) => s.flag === flag)!
  const text = raw.trim()
  if (!NUMBER.test(text)) throw new BadInputError(`--${flag} takes ${spec.what}, not "${raw}".`)
  const value = Number(text)
  if (!Number.isFinite(value) || value < spec.min || value > spec.max) {
    const range = spec.max === Number.MAX_VALUE ? `at least ${spec.min}` : `between ${spec.min} and ${spec.max}`
    throw new BadInputError(`--${flag} must be ${range}, not ${raw}.`)
  }
  return value
}

/** Thresholds from flags; a flag left out keeps its default. */
export function parseThresholds(flags: ThresholdFlags, defaults: Thresholds = DEFAULT_THRESHOLDS): Thresholds {
  const out: Thresholds = {...defaults}
  for (const spec of SPECS) {
    const raw = flags[spec.flag]
    if (raw !== undefined) out[spec.field] = parseThreshold(spec.flag, raw)
  }
  return out
}

export type Figure = 'jitter' | 'loss' | 'rtt' | 'mos'

export interface Violation {
  /** Where the stream was seen, e.g. "pc 1-3". */
  source: string
  /** The stream's label, e.g. "inbound-rtp video ssrc 1234". */
  stream: string
  streamId: string
  figure: Figure
  statistic: 'p95'
  value: number
  limit: number
  /** "pc 1-3 / inbound-rtp video ssrc 1234: p95 loss 4.2 % > 2 %" */
  message: string
}

/** Summaries grouped by where they came from. */
export interface SummaryScope {
  source: string
  streams: StreamSummary[]
}

interface Check {
  figure: Figure
  name: string
  unit: string
  limit: (t: Thresholds) => number | null
  value: (s: StreamSummary) => Pct | null
  lowerIsWorse: boolean
}

const CHECKS: Check[] = [
  {
    figure: 'loss',
    name: 'loss',
    unit: ' %',
    limit: (t) => t.maxLossPercent,
    value: (s) => s.lossPercent,
    lowerIsWorse: false,
  },
  {
    figure: 'jitter',
    name: 'jitter',
    unit: ' ms',
    limit: (t) => t.maxJitterMs,
    value: (s) => s.jitterMs,
    lowerIsWorse: false,
  },
  {figure: 'rtt', name: 'RTT', unit: ' ms', limit: (t) => t.maxRttMs, value: (s) => s.rttMs, lowerIsWorse: false},
  {figure: 'mos', name: 'MOS', unit: '', limit: (t) => t.minMos, value: (s) => s.mos, lowerIsWorse: true},
]

/** Every (stream, figure) whose p95 is worse than its threshold, in scope and stream order. */
export function evaluate(scopes: SummaryScope[], thresholds: Thresholds): Violation[] {
  const out: Violation[] = []
  for (const scope of scopes) {
    for (const s of scope.streams) {
      for (const c of CHECKS) {
        const limit = c.limit(thresholds)
        const pct = c.value(s)
        if (limit === null || pct === null) continue
        const value = pct.p95
        const broken = c.lowerIsWorse ? value < limit : value > limit
        if (!broken) continue
        const label = streamLabel(s)
        const op = c.lowerIsWorse ? '<' : '>'
        out.push({
          source: scope.source,
          stream: label,
          streamId: s.id,
          figure: c.figure,
          statistic: 'p95',
          value,
          limit,
          message: `${scope.source} / ${label}: p95 ${c.name} ${formatNumber(value)}${c.unit} ${op} ${formatNumber(limit)}${c.unit}`,
        })
      }
    }
  }
  return out
}
