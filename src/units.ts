// The one set of parsers for the small value syntaxes operators type: durations, sizes, counts,
// ports, port ranges and dates. The CLI flags (cli/flags.ts), the inventory validator (fleet.yaml)
// and the node's own command line (sfu/node-config.ts) all use these, so a value one of them
// accepts the others accept too (before, `--rtc-ports 500-600` passed the CLI and failed the node).
// Each parser throws BadInputError (exit 2) with one sentence naming `what` (a flag like
// "--rtc-ports" or a fleet.yaml field) and the value; the node rewraps it as its ConfigError
// (src/sfu/ imports this file, which is meant to be shared, but not errors.ts).
import {BadInputError} from './errors.js'

/** What every parser here throws: a BadInputError (exit 2), told apart so the node can rewrap it. */
export class UnitError extends BadInputError {}

// ---- durations -------------------------------------------------------------------------------

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i
const UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}

export interface DurationBounds {
  /** Smallest accepted value in milliseconds (default: anything above 0; 0 admits "0" itself, e.g. "no limit"). */
  minMs?: number
  /** Largest accepted value in milliseconds (default: no limit). */
  maxMs?: number
}

/** "500ms", "10s", "1.5s", "5m", "1h", "7d" or a bare number of seconds -> whole milliseconds, > 0. */
export function parseDurationMs(value: string | number, what: string, bounds: DurationBounds = {}): number {
  const text = String(value)
  const m = DURATION.exec(text)
  const ms = m ? Number(m[1]) * UNIT_MS[(m[2] ?? 's').toLowerCase()]! : Number.NaN
  const {minMs, maxMs} = bounds
  const ok =
    Number.isSafeInteger(ms) &&
    (ms > 0 || minMs === 0) &&
    (minMs === undefined || ms >= minMs) &&
    (maxMs === undefined || ms <= maxMs)
  if (!ok)
    throw new UnitError(
      `${what} must be a duration${rangeText(bounds)} like 500ms, 10s, 5m, 1h or 7d (a bare number means seconds), got '${text.trim()}'.`,
    )
  return ms
}

/** As parseDurationMs, for values kept in whole seconds ("1500ms" is refused, "1.5m" is 90). */
export function parseDurationSeconds(value: string | number, what: string, bounds: DurationBounds = {}): number {
  const ms = parseDurationMs(value, what, bounds)
  if (ms % 1000 !== 0)
    throw new UnitError(
      `${what} must be a whole number of seconds like 10s, 5m, 1h or 7d, got '${String(value).trim()}'.`,
    )
  return ms / 1000
}

/** The shortest spelling of a duration: 500ms, 10s, 5m, 1h, 7d. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms >= UNIT_MS[unit]! && ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`
  return `${ms}ms`
}

function rangeText({minMs, maxMs}: DurationBounds): string {
  if (minMs === 0) return rangeText({maxMs}) + ' (0 for none)'
  if (minMs !== undefined && maxMs !== undefined) return ` from ${formatDuration(minMs)} to ${formatDuration(maxMs)}`
  if (minMs !== undefined) return ` of at least ${formatDuration(minMs)}`
  if (maxMs !== undefined) return ` of at most ${formatDuration(maxMs)}`
  return ''
}

// ---- sizes -----------------------------------------------------------------------------------

const SIZE = /^\s*(\d+)\s*(B|KB|MB|GB)\s*$/i
const SIZE_UNIT: Record<string, number> = {B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3}

/** "512KB", "10MB", "1GB" (binary units), at least 1 KB (what --access-log-max-size takes) -> bytes. */
export function parseSizeBytes(value: string, what: string): number {
  return parseSizeParts(value, what).bytes
}

/** As parseSizeBytes, returned as typed in one spelling ("10mb" -> "10MB"), for fleet.yaml and the node's argv. */
export function normalizeSize(value: string, what: string): string {
  const {amount, unit} = parseSizeParts(value, what)
  return `${amount}${unit}`
}

function parseSizeParts(value: string, what: string): {amount: number; unit: string; bytes: number} {
  const m = SIZE.exec(value)
  const unit = m ? m[2]!.toUpperCase() : ''
  const bytes = m ? Number(m[1]) * SIZE_UNIT[unit]! : Number.NaN
  if (!Number.isSafeInteger(bytes) || bytes < 1024)
    throw new UnitError(`${what} must be a size of at least 1KB like 512KB, 10MB or 1GB, got '${value.trim()}'.`)
  return {amount: Number(m![1]), unit, bytes}
}

// ---- counts ----------------------------------------------------------------------------------

/** A whole number from 1 to 1000000 (connection and session caps). */
export function parseCount(value: string | number, what: string): number {
  const text = String(value).trim()
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(n >= 1 && n <= 1_000_000))
    throw new UnitError(`${what} must be a whole number from 1 to 1000000, got '${text}'.`)
  return n
}

// ---- ports -----------------------------------------------------------------------------------

export type PortRange = [number, number]

/** A TCP/UDP port 0..65535 (0 = let the OS pick a free one; refused with allowZero: false). */
export function parsePort(value: string | number, what: string, {allowZero = true} = {}): number {
  const text = String(value).trim()
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  const min = allowZero ? 0 : 1
  if (!Number.isInteger(n) || n < min || n > 65535)
    throw new UnitError(`${what} must be a port number from ${min} to 65535, got '${text}'.`)
  return n
}

/** Lowest port of an RTC range: the node refuses privileged ports for media. */
export const MIN_RTC_PORT = 1024

/** "X-Y" with 1024 <= X <= Y <= 65535, e.g. "40000-40199": the UDP ports the node uses for media. */
export function parsePortRange(value: string, what: string): PortRange {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value)
  if (!m) throw new UnitError(`${what} must be a port range like 40000-40199, got '${value.trim()}'.`)
  const from = Number(m[1])
  const to = Number(m[2])
  if (from < MIN_RTC_PORT || to > 65535 || from > to) {
    throw new UnitError(`${what} must be a range X-Y with ${MIN_RTC_PORT} <= X <= Y <= 65535, got '${value.trim()}'.`)
  }
  return [from, to]
}

export function formatPortRange([from, to]: PortRange): string {
  return `${from}-${to}`
}

// ---- dates -----------------------------------------------------------------------------------

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar day "YYYY-MM-DD" that exists (2025-02-30 is refused) -> midnight UTC of that day. */
export function parseDay(value: string, what: string): Date {
  const text = value.trim()
  const m = DAY.exec(text)
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined
  if (!date || date.toISOString().slice(0, 10) !== text)
    throw new UnitError(`${what} must be a date like 2025-12-31, got '${text}'.`)
  return date
}

// Days an operator types (`--until`, `--received`) are days of the calendar where confctl runs
// (TZ; a server set to UTC gives UTC): "until 2027-12-31" typed in Berlin means through the end
// of Berlin's 31 December, not one hour before it. parseDay stays midnight UTC of the day, so
// it can be compared and stored as a plain date; the functions below read it in local time.

/** The last millisecond of a day parseDay returned, in this machine's time zone: for a date
 *  that names the last day something lasts, inclusive ("hold until 2027-12-31"). */
export function endOfDay(day: Date): Date {
  const next = new Date(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1) // local midnight, DST-aware
  return new Date(next.getTime() - 1)
}

/** A time's day on this machine's calendar, YYYY-MM-DD. */
export function formatLocalDay(time: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${time.getFullYear()}-${p(time.getMonth() + 1)}-${p(time.getDate())}`
}

/** Whether a day parseDay returned is after today on this machine's calendar (the operator's
 *  "today", which may be a day ahead of or behind UTC). */
export function isDayAfterToday(day: Date, now = new Date()): boolean {
  return day.toISOString().slice(0, 10) > formatLocalDay(now)
}

/** An ISO 8601 time with a zone ("2025-12-31T23:00:00Z", "...+01:00") or a day "YYYY-MM-DD" (midnight UTC). */
export function parseTime(value: string, what: string): Date {
  const text = value.trim()
  if (DAY.test(text)) return parseDay(text, what)
  const ok =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text) && !Number.isNaN(Date.parse(text))
  if (!ok)
    throw new UnitError(
      `${what} must be an ISO 8601 time like 2025-12-31T23:00:00Z or a date like 2025-12-31, got '${text}'.`,
    )
  return new Date(text)
}
