// Parsing of the small value syntaxes operators type in flags and fleet.yaml: ports, port
// ranges, durations, sizes and counts. Each parser throws BadInputError with one sentence naming `what`
// (e.g. "--rtc-ports"), so commands and the inventory validator share the wording.
import {BadInputError} from '../errors.js'

export type PortRange = [number, number]

/** A TCP/UDP port 0..65535 (0 = let the OS pick a free one). */
export function parsePort(value: string | number, what: string, {allowZero = true} = {}): number {
  const text = String(value).trim()
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  const min = allowZero ? 0 : 1
  if (!Number.isInteger(n) || n < min || n > 65535) {
    throw new BadInputError(`${what} must be a port number from ${min} to 65535, got '${text}'.`)
  }
  return n
}

/** "X-Y" with 1 <= X <= Y <= 65535, e.g. "40000-40199". */
export function parsePortRange(value: string, what: string): PortRange {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value)
  if (!m) throw new BadInputError(`${what} must be a port range like 40000-40199, got '${value}'.`)
  const from = Number(m[1])
  const to = Number(m[2])
  if (from < 1 || to > 65535 || from > to) {
    throw new BadInputError(`${what} must be a range X-Y with 1 <= X <= Y <= 65535, got '${value}'.`)
  }
  return [from, to]
}

export function formatPortRange([from, to]: PortRange): string {
  return `${from}-${to}`
}

const SIZE_UNITS: Record<string, number> = {b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3}

/** "512KB", "10MB", "1GB" (binary units), at least 1 KB; returned as typed, in one spelling ("10MB"). */
export function parseSize(value: string, what: string): string {
  const m = /^\s*(\d+)\s*(B|KB|MB|GB)\s*$/i.exec(value)
  const bytes = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! : Number.NaN
  if (!Number.isSafeInteger(bytes) || bytes < 1024) throw new BadInputError(`${what} must be a size of at least 1KB like 512KB, 10MB or 1GB, got '${value}'.`)
  return `${m![1]}${m![2]!.toUpperCase()}`
}

/** A whole number from 1 to 1000000 (connection and session caps). */
export function parseCount(value: string | number, what: string): number {
  const text = String(value).trim()
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(n >= 1 && n <= 1_000_000)) throw new BadInputError(`${what} must be a whole number from 1 to 1000000, got '${text}'.`)
  return n
}

const DURATION_UNITS: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86_400}

/** "30s", "15m", "1h", "2d" (a bare number means seconds) -> whole seconds, > 0. */
export function parseDurationSeconds(value: string, what: string): number {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(value)
  const seconds = m ? Number(m[1]) * DURATION_UNITS[(m[2] || 's').toLowerCase()] : Number.NaN
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new BadInputError(`${what} must be a duration like 30s, 15m, 1h or 2d, got '${value}'.`)
  }
  return seconds
}
